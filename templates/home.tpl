{{%AUTOESCAPE context="HTML"}}<h1>Mutual aid requests</h1>
<section class="actions-bar" aria-label="File a request">
  <h2 class="visually-hidden">File a request</h2>
  <ul class="kind-links">
  {{#KIND}}<li><a class="button" href="/requests/new?kind={{ID}}">{{LABEL}}</a></li>{{/KIND}}
  </ul>
</section>
<section>
<h2>{{#AGENCY_VIEW}}My requests{{/AGENCY_VIEW}}{{#STAFF_VIEW}}Latest requests{{/STAFF_VIEW}}</h2>
{{#NO_REQUESTS}}<p>No requests yet.</p>{{/NO_REQUESTS}}
{{#HAS_REQUESTS}}{{#STAFF_VIEW}}<table class="list">
<caption class="visually-hidden">Requests, newest first</caption>
<thead><tr><th scope="col">No.</th><th scope="col">Filed</th><th scope="col">Kind</th><th scope="col">Agency</th><th scope="col">Nature</th><th scope="col">Status</th></tr></thead>
<tbody>
{{#REQUEST}}<tr>
<td data-label="No."><a href="/requests/{{ID}}">#{{ID}}</a></td><td data-label="Filed" class="time">{{CREATED}}</td><td data-label="Kind">{{KIND_LABEL}}{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}}</td>
<td data-label="Agency">{{AGENCY}}</td><td data-label="Nature" class="nature">{{NATURE}}</td><td data-label="Status"><span class="status s-{{STATUS}}">{{STATUS_LABEL}}</span></td>
</tr>{{/REQUEST}}
</tbody>
</table>{{/STAFF_VIEW}}{{#AGENCY_VIEW}}<table class="list" id="my-requests">
<caption class="visually-hidden">Your agency's requests, newest first, with what happens next</caption>
<thead><tr><th scope="col">No.</th><th scope="col">Sent</th><th scope="col">What</th><th scope="col">Status</th><th scope="col">Units out</th><th scope="col">What happens next</th></tr></thead>
<tbody>
{{#REQUEST}}<tr>
<td data-label="No."><a href="/requests/{{ID}}">#{{ID}}</a></td><td data-label="Sent" class="time">{{CREATED}}</td><td data-label="What">{{KIND_LABEL}}{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}}<br><span class="nature">{{NATURE}}</span></td>
<td data-label="Status"><span class="status s-{{STATUS}}">{{STATUS_LABEL}}</span></td><td data-label="Units out">{{UNITS_OUT}}</td><td data-label="What happens next">{{NEXT}}</td>
</tr>{{/REQUEST}}
</tbody>
</table>{{/AGENCY_VIEW}}{{/HAS_REQUESTS}}
</section>
{{#DUTY}}<section id="duty" aria-labelledby="h-duty">
<h2 id="h-duty">Your duty</h2>
<p>{{#ON_DUTY}}You are <strong>on duty</strong>{{#UNTIL}} until {{UNTIL_TIME}}{{/UNTIL}}: approvals and notices the policy routes to your role reach you.{{/ON_DUTY}}{{#OFF_DUTY}}You are <strong>off duty</strong>: what the policy routes to your role goes to whoever else is available, or to the fallback it names.{{/OFF_DUTY}}</p>
<form method="post" action="/duty" class="form inline-form">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<input type="hidden" name="state" value="on">
<div class="field"><label for="duty-until">On duty until (optional)</label><input id="duty-until" name="until" type="datetime-local"></div>
<button type="submit">I am on duty</button>
</form>
<form method="post" action="/duty" class="form inline-form">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<input type="hidden" name="state" value="off">
<button type="submit">I am off duty</button>
</form>
</section>
<section aria-labelledby="h-chain">
<h2 id="h-chain">Who is available now</h2>
{{#CHAIN}}<h3>{{ROLE_LABEL}}</h3>
<ul class="chain">{{#PERSON}}<li>{{NAME}}{{#ATTR}} ({{ATTR_TEXT}}){{/ATTR}}: {{#AVAILABLE}}available{{#UNTIL}} until {{UNTIL_TIME}}{{/UNTIL}}{{/AVAILABLE}}{{#AWAY}}not available{{/AWAY}}</li>{{/PERSON}}{{#NOBODY}}<li>Nobody holds this role.</li>{{/NOBODY}}</ul>{{/CHAIN}}
</section>{{/DUTY}}
