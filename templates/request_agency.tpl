{{%AUTOESCAPE context="HTML"}}<div class="request-head">
{{#AGAIN}}<p class="notice" role="status">You had sent this form already: it was stored the first time, and nothing new was stored now.</p>{{/AGAIN}}
<h1>Your request #{{ID}} <span class="kind">· {{PUBLIC_KIND}}</span></h1>
{{#ACTION_ERROR}}<div class="error-summary" role="alert" id="action-error">
<h2>{{ERR_ACTION}}: please correct</h2>
<p>{{ERR_MESSAGE}}</p>
{{#ERR_FIELD}}<p><a href="#{{ANCHOR}}">Go to the field</a></p>{{/ERR_FIELD}}
</div>{{/ACTION_ERROR}}
<div class="banner" id="banner">
<p class="banner-state"><span class="status s-{{STATUS}}" id="status">{{PUBLIC_STATE}}</span>{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}} · for {{BANNER_SINCE}}</p>
<p id="public-status">{{PUBLIC_STATUS}}</p>
<p id="next-step"><strong>What happens next:</strong> {{PUBLIC_NEXT}}</p>
{{#DENIED}}<p class="notice denied" id="denial">Reason given: {{DENIAL_REASON}}</p>{{/DENIED}}
{{#DESK}}<p id="desk">Questions about this request: call {{DESK_CONTACT}}{{#DESK_PHONE}} at <a href="tel:{{PHONE_TEL}}">{{PHONE}}</a>{{/DESK_PHONE}}.</p>{{/DESK}}
</div>
<p>Sent on <span class="time">{{CREATED}}</span>. You get an e-mail when it is received, approved or denied, when units are sent and when it is closed.</p>
</div>
<section aria-labelledby="h-units">
<h2 id="h-units">Units on their way</h2>
{{#HAS_UNITS}}<table class="list"><caption class="visually-hidden">Units sent, by kind and where they are</caption><thead><tr><th scope="col">Unit</th><th scope="col">How many</th><th scope="col">Where they are</th></tr></thead>
<tbody>{{#UNIT_SENT}}<tr><td data-label="Unit">{{UNIT}}</td><td data-label="How many">{{COUNT}}</td><td data-label="Where they are">{{UNIT_STATUS}}{{#ETA}}, expected by {{ETA_TIME}}{{/ETA}}</td></tr>{{/UNIT_SENT}}</tbody></table>{{/HAS_UNITS}}
{{#NO_UNITS}}<p>No units have been sent yet.</p>{{/NO_UNITS}}
</section>
<section class="details" aria-labelledby="h-details">
<h2 id="h-details">What you sent</h2>
{{#LONG}}<div class="long"><h3>{{LABEL}}</h3><p class="pre">{{VALUE}}</p></div>{{/LONG}}
<dl class="grid">
{{#DETAIL}}<div><dt>{{LABEL}}</dt><dd>{{VALUE}}{{#ITEM}}<span class="tag">{{ITEM_LABEL}}</span> {{/ITEM}}</dd></div>{{/DETAIL}}
</dl>
</section>
{{#CANCEL}}<section aria-labelledby="h-cancel"><h2 id="h-cancel">Cancel this request</h2>
<form method="post" action="/requests/{{ID}}/cancel" class="action form">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<div class="field{{#BAD_REASON}} invalid{{/BAD_REASON}}"><label for="cancel-reason">Why is it no longer needed? (required)</label>{{#BAD_REASON}}<p class="field-error" id="err-cancel-reason">{{ERR_TEXT}}</p>{{/BAD_REASON}}<textarea id="cancel-reason" name="reason" rows="2" maxlength="2000" required{{#BAD_REASON}} aria-invalid="true" aria-describedby="err-cancel-reason"{{/BAD_REASON}}>{{V_REASON}}</textarea></div>
<div class="field{{#BAD_CONFIRM}} invalid{{/BAD_CONFIRM}}">{{#BAD_CONFIRM}}<p class="field-error" id="err-cancel-confirm">{{ERR_TEXT}}</p>{{/BAD_CONFIRM}}<label class="check" for="cancel-confirm"><input id="cancel-confirm" name="confirm" type="checkbox" value="yes" required{{#CONFIRMED}} checked{{/CONFIRMED}}{{#BAD_CONFIRM}} aria-invalid="true" aria-describedby="err-cancel-confirm"{{/BAD_CONFIRM}}> Yes, cancel this request: the department's people working on it are told</label></div>
<button type="submit" class="danger">Cancel the request</button>
</form></section>{{/CANCEL}}
<section aria-labelledby="h-timeline">
<h2 id="h-timeline">What has happened</h2>
<ol class="timeline">
{{#MILESTONE}}<li><time>{{AT}}</time> <strong>{{WHAT}}</strong></li>{{/MILESTONE}}
</ol>
<p class="hint">Times are Central (America/Chicago).</p>
</section>
