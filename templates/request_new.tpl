{{%AUTOESCAPE context="HTML"}}<h1>{{KIND_LABEL}}</h1>
<p class="lead">{{KIND_DESCRIPTION}}</p>
{{#ERRORS}}<div class="error-summary" role="alert" tabindex="-1" id="errors">
<h2>Please correct {{ERROR_COUNT}} field{{#PLURAL}}s{{/PLURAL}}</h2>
<ul>{{#ERROR}}<li><a href="#f-{{NAME}}">{{LABEL}} {{MESSAGE}}</a></li>{{/ERROR}}</ul>
</div>{{/ERRORS}}
{{#FILING_FOR}}<p class="notice">Filing for <strong>{{AGENCY}}</strong>, through this portal.</p>{{/FILING_FOR}}
{{#FEDERAL_NOTE}}<p class="notice">The Chief of Police is notified of every federal request.</p>{{/FEDERAL_NOTE}}
<p class="notice" id="draft-restored" role="status" hidden>What you had typed is back: the session had ended before the request was sent, so nothing was filed yet. Check it and send it again.</p>
<form method="post" action="/requests" class="form request-form" novalidate data-draft="{{KIND}}">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<input type="hidden" name="kind" value="{{KIND}}">
{{#SECTION}}{{#DETAILS_START}}<details class="more"{{#OPEN}} open{{/OPEN}}>
<summary>More detail (optional)</summary>
{{/DETAILS_START}}<fieldset>
<legend>{{TITLE}}</legend>
{{#FIELD}}<div class="field{{#INVALID}} invalid{{/INVALID}}">
{{#CHECKBOXES}}<fieldset class="choices" id="f-{{NAME}}"{{#INVALID}} aria-invalid="true" aria-describedby="err-{{NAME}}"{{/INVALID}}>
<legend>{{LABEL}}{{#REQUIRED}} <span class="req">(required)</span>{{/REQUIRED}}</legend>
{{#INVALID}}<p class="field-error" id="err-{{NAME}}">{{LABEL}} {{MESSAGE}}{{#ERROR_CLAUSE}} ({{ERROR_CLAUSE}}){{/ERROR_CLAUSE}}</p>{{/INVALID}}
{{#OPTION}}<label class="check"><input type="checkbox" name="{{NAME}}" value="{{VALUE}}"{{#CHOSEN}} checked{{/CHOSEN}}> {{LABEL}}</label>{{/OPTION}}
</fieldset>{{/CHECKBOXES}}
{{#RADIOS}}<fieldset class="choices" id="f-{{NAME}}"{{#INVALID}} aria-invalid="true" aria-describedby="err-{{NAME}}"{{/INVALID}}>
<legend>{{LABEL}}{{#REQUIRED}} <span class="req">(required)</span>{{/REQUIRED}}</legend>
{{#INVALID}}<p class="field-error" id="err-{{NAME}}">{{LABEL}} {{MESSAGE}}{{#ERROR_CLAUSE}} ({{ERROR_CLAUSE}}){{/ERROR_CLAUSE}}</p>{{/INVALID}}
{{#OPTION}}<label class="check"><input type="radio" name="{{NAME}}" value="{{VALUE}}"{{#CHOSEN}} checked{{/CHOSEN}}{{#REQUIRED}} required{{/REQUIRED}}> {{LABEL}}</label>{{/OPTION}}
</fieldset>{{/RADIOS}}
{{#LABELLED}}<label for="f-{{NAME}}">{{LABEL}}{{#REQUIRED}} <span class="req">(required)</span>{{/REQUIRED}}</label>
{{#INVALID}}<p class="field-error" id="err-{{NAME}}">{{LABEL}} {{MESSAGE}}{{#ERROR_CLAUSE}} ({{ERROR_CLAUSE}}){{/ERROR_CLAUSE}}</p>{{/INVALID}}
{{/LABELLED}}
{{#INPUT}}<input id="f-{{NAME}}" name="{{NAME}}" type="{{TYPE}}" value="{{VALUE}}"{{#NUMBER}} min="{{MIN}}" max="{{MAX}}" inputmode="numeric"{{/NUMBER}}{{#TEXTLEN}} maxlength="{{MAXLEN}}"{{/TEXTLEN}}{{#REQUIRED}} required{{/REQUIRED}}{{#INVALID}} aria-invalid="true" aria-describedby="err-{{NAME}}"{{/INVALID}}>{{/INPUT}}
{{#TEXTAREA}}<textarea id="f-{{NAME}}" name="{{NAME}}" rows="4" maxlength="{{MAXLEN}}"{{#REQUIRED}} required{{/REQUIRED}}{{#INVALID}} aria-invalid="true" aria-describedby="err-{{NAME}}"{{/INVALID}}>{{VALUE}}</textarea>{{/TEXTAREA}}
{{#SELECT}}<select id="f-{{NAME}}" name="{{NAME}}"{{#REQUIRED}} required{{/REQUIRED}}{{#INVALID}} aria-invalid="true" aria-describedby="err-{{NAME}}"{{/INVALID}}>
<option value="">— choose —</option>
{{#OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/OPTION}}
</select>{{/SELECT}}
</div>
{{/FIELD}}
</fieldset>
{{#DETAILS_END}}</details>
{{/DETAILS_END}}{{/SECTION}}
<div class="submit-row"><button type="submit" class="primary">File the request</button> <a href="/">Cancel</a></div>
</form>
<aside class="policy-box" aria-label="Policy for this request">
<h2>What the policy says about this request</h2>
<ul>{{#RULE}}<li><span class="clause">{{CLAUSE}}</span> {{SUMMARY}}</li>{{/RULE}}</ul>
</aside>
