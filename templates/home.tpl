{{%AUTOESCAPE context="HTML"}}<h1>Mutual aid requests</h1>
<section class="actions-bar" aria-label="File a request">
  <h2 class="visually-hidden">File a request</h2>
  <ul class="kind-links">
  {{#KIND}}<li><a class="button" href="/requests/new?kind={{ID}}">{{LABEL}}</a></li>{{/KIND}}
  </ul>
</section>
<section>
<h2>{{#AGENCY_VIEW}}Your agency's requests{{/AGENCY_VIEW}}{{#STAFF_VIEW}}Latest requests{{/STAFF_VIEW}}</h2>
{{#NO_REQUESTS}}<p>No requests yet.</p>{{/NO_REQUESTS}}
{{#HAS_REQUESTS}}<table class="list">
<caption class="visually-hidden">Requests, newest first</caption>
<thead><tr><th scope="col">No.</th><th scope="col">Filed</th><th scope="col">Kind</th><th scope="col">Agency</th><th scope="col">Nature</th><th scope="col">Status</th></tr></thead>
<tbody>
{{#REQUEST}}<tr>
<td data-label="No."><a href="/requests/{{ID}}">#{{ID}}</a></td><td data-label="Filed" class="time">{{CREATED}}</td><td data-label="Kind">{{KIND_LABEL}}{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}}</td>
<td data-label="Agency">{{AGENCY}}</td><td data-label="Nature" class="nature">{{NATURE}}</td><td data-label="Status"><span class="status s-{{STATUS}}">{{STATUS_LABEL}}</span></td>
</tr>{{/REQUEST}}
</tbody>
</table>{{/HAS_REQUESTS}}
</section>
