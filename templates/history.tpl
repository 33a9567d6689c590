{{%AUTOESCAPE context="HTML"}}<h1>History of requests</h1>
<form method="get" action="/history" class="form filters" role="search">
<div class="filter-grid">
<div class="field"><label for="h-kind">Kind</label><select id="h-kind" name="kind"><option value="">Any kind</option>{{#KIND_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/KIND_OPTION}}</select></div>
<div class="field"><label for="h-status">Status</label><select id="h-status" name="status"><option value="">Any status</option>{{#STATUS_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/STATUS_OPTION}}</select></div>
<div class="field"><label for="h-agency">Requesting agency starts with</label><input id="h-agency" name="agency" type="text" value="{{AGENCY}}" maxlength="200"></div>
<div class="field"><label for="h-from">Filed from</label><input id="h-from" name="from" type="date" value="{{FROM}}"></div>
<div class="field"><label for="h-to">Filed to</label><input id="h-to" name="to" type="date" value="{{TO}}"></div>
<div class="field"><label for="h-q">Words (nature, place, agency, case number)</label><input id="h-q" name="q" type="search" value="{{Q}}" maxlength="200"></div>
</div>
<div class="submit-row"><button type="submit" class="primary">Search</button> <a href="/history">Clear</a></div>
</form>
<p class="result-line"><strong>{{TOTAL}}</strong> request(s) · page {{PAGE}} of {{PAGES}} · export <a href="{{CSV_HREF}}">CSV</a> · <a href="{{JSON_HREF}}">JSON</a></p>
{{#NO_RESULTS}}<p>No request matches these filters.</p>{{/NO_RESULTS}}
{{#HAS_RESULTS}}<table class="list">
<caption class="visually-hidden">Requests, newest first</caption>
<thead><tr><th scope="col">No.</th><th scope="col">Filed</th><th scope="col">Kind</th><th scope="col">Agency</th><th scope="col">Nature</th><th scope="col">Case</th><th scope="col">Status</th><th scope="col">Chief</th></tr></thead>
<tbody>
{{#REQUEST}}<tr><td data-label="No."><a href="/requests/{{ID}}">#{{ID}}</a></td><td data-label="Filed" class="time">{{CREATED}}</td><td data-label="Kind">{{KIND_LABEL}}{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}}</td><td data-label="Agency">{{AGENCY}}</td><td data-label="Nature" class="nature">{{NATURE}}</td><td data-label="Case">{{CASE_NUMBER}}</td><td data-label="Status"><span class="status s-{{STATUS}}">{{STATUS_LABEL}}</span></td><td data-label="Chief">{{#CHIEF}}{{#CHIEF_ACKED}}notified, acknowledged{{/CHIEF_ACKED}}{{#CHIEF_UNACKED}}notified, <strong>not acknowledged</strong>{{/CHIEF_UNACKED}}{{/CHIEF}}</td></tr>{{/REQUEST}}
</tbody></table>{{/HAS_RESULTS}}
<nav class="pager" aria-label="Pages">{{#PREV}}<a href="{{HREF}}" rel="prev">← Newer</a>{{/PREV}} {{#NEXT}}<a href="{{HREF}}" rel="next">Older →</a>{{/NEXT}}</nav>
