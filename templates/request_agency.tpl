{{%AUTOESCAPE context="HTML"}}<div class="request-head">
{{#AGAIN}}<p class="notice" role="status">You had sent this form already: it was stored the first time, and nothing new was stored now.</p>{{/AGAIN}}
<h1>Your request #{{ID}} <span class="kind">· {{KIND_LABEL}}</span></h1>
<p><span class="status s-{{STATUS}}" id="status">{{STATUS_LABEL}}</span>{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}}
 · sent on <span class="time">{{CREATED}}</span></p>
<p class="notice">{{PUBLIC_STATUS}}</p>
{{#DENIED}}<p class="notice denied">Reason given: {{DENIAL_REASON}}</p>{{/DENIED}}
{{#DESK}}<p>Questions about this request: {{DESK_CONTACT}}.</p>{{/DESK}}
</div>
<section aria-labelledby="h-units">
<h2 id="h-units">Units sent</h2>
{{#HAS_UNITS}}<table class="list"><thead><tr><th scope="col">Unit</th><th scope="col">How many</th><th scope="col">Where they are</th></tr></thead>
<tbody>{{#UNIT_SENT}}<tr><td data-label="Unit">{{UNIT}}</td><td data-label="How many">{{COUNT}}</td><td data-label="Where they are">{{UNIT_STATUS}}</td></tr>{{/UNIT_SENT}}</tbody></table>{{/HAS_UNITS}}
{{#NO_UNITS}}<p>No units have been sent yet.</p>{{/NO_UNITS}}
</section>
{{#CANCEL}}<section aria-labelledby="h-cancel"><h2 id="h-cancel">Cancel this request</h2>
<form method="post" action="/requests/{{ID}}/cancel" class="action form">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<div class="field"><label for="cancel-note">Why (optional)</label><input id="cancel-note" name="note" type="text" maxlength="2000"></div>
<button type="submit" class="danger">Cancel the request</button>
</form></section>{{/CANCEL}}
<section class="details" aria-labelledby="h-details">
<h2 id="h-details">What you sent</h2>
{{#LONG}}<div class="long"><h3>{{LABEL}}</h3><p class="pre">{{VALUE}}</p></div>{{/LONG}}
<dl class="grid">
{{#DETAIL}}<div><dt>{{LABEL}}</dt><dd>{{VALUE}}{{#ITEM}}<span class="tag">{{ITEM_LABEL}}</span> {{/ITEM}}</dd></div>{{/DETAIL}}
</dl>
</section>
<section aria-labelledby="h-timeline">
<h2 id="h-timeline">What has happened</h2>
<ol class="timeline">
{{#MILESTONE}}<li><time>{{AT}}</time> <strong>{{WHAT}}</strong></li>{{/MILESTONE}}
</ol>
<p class="hint">Times are Central (America/Chicago).</p>
</section>
