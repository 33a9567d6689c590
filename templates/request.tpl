{{%AUTOESCAPE context="HTML"}}<div class="request-head">
<h1>Request #{{ID}} <span class="kind">{{KIND_LABEL}}</span></h1>
<p><span class="status s-{{STATUS}}" id="status">{{STATUS_LABEL}}</span>{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}}
 · filed by {{FILED_BY}} on {{CREATED}}</p>
{{#DENIED}}<p class="notice denied">Denied: {{DENIAL_REASON}}</p>{{/DENIED}}
</div>
<section class="details" aria-labelledby="h-details">
<h2 id="h-details">Details</h2>
{{#LONG}}<div class="long"><h3>{{LABEL}}</h3><p class="pre">{{VALUE}}</p></div>{{/LONG}}
<dl class="grid">
{{#DETAIL}}<div><dt>{{LABEL}}</dt><dd>{{VALUE}}{{#ITEM}}<span class="tag">{{ITEM_LABEL}}</span> {{/ITEM}}</dd></div>{{/DETAIL}}
</dl>
</section>
<section aria-labelledby="h-notified">
<h2 id="h-notified">Who was notified</h2>
{{#HAS_NOTIFICATIONS}}<table class="list">
<thead><tr><th scope="col">Recipient</th><th scope="col">Role</th><th scope="col">Why</th><th scope="col">Clause</th><th scope="col">When</th><th scope="col">Acknowledged</th><th scope="col">E-mail</th></tr></thead>
<tbody>
{{#NOTIFICATION}}<tr><td>{{RECIPIENT}}</td><td>{{ROLE}}</td><td>{{REASON}}</td><td class="clause">{{CLAUSE}}</td><td>{{CREATED}}</td><td>{{#ACKED}}{{ACKNOWLEDGED}}{{/ACKED}}</td><td>{{EMAIL}}</td></tr>{{/NOTIFICATION}}
</tbody></table>{{/HAS_NOTIFICATIONS}}
</section>
<section aria-labelledby="h-timeline">
<h2 id="h-timeline">Timeline</h2>
<ol class="timeline">
{{#EVENT}}<li><time>{{AT}}</time> <strong>{{ACTION}}</strong> by {{ACTOR}}{{#EVENT_CLAUSE}} <span class="clause">{{CLAUSE}}</span>{{/EVENT_CLAUSE}}{{#EVENT_NOTE}}<br><span class="note">{{NOTE}}</span>{{/EVENT_NOTE}}</li>{{/EVENT}}
</ol>
<p class="hint">Times are Central (America/Chicago).</p>
</section>
