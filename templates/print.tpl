{{%AUTOESCAPE context="HTML"}}<article class="print-sheet">
<header class="letterhead">
<p class="dept">{{DEPARTMENT_NAME}}</p>
<h1>Request for Law Enforcement Mutual Assistance</h1>
<p>Request No. {{ID}} · {{KIND_LABEL}} · filed {{CREATED}} by {{FILED_BY}} · status: {{STATUS_LABEL}}</p>
</header>
{{#AUTHORITY}}<p class="authority">Authority: {{AUTHORITY_TEXT}}</p>{{/AUTHORITY}}
<table class="sheet">
<tbody>
{{#LINE}}<tr><th scope="row">{{LABEL}}</th><td>{{VALUE}}</td></tr>{{/LINE}}
</tbody>
</table>
<h2>Policy clauses that applied</h2>
<ul class="rules">{{#RULE}}<li><span class="clause">{{CLAUSE}}</span> {{SUMMARY}}</li>{{/RULE}}</ul>
<h2>Steps, by whom, under which clause</h2>
<table class="sheet steps">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Step</th><th scope="col">Clause</th><th scope="col">Note</th></tr></thead>
<tbody>{{#STEP}}<tr><td>{{AT}}</td><td>{{WHO}}</td><td>{{WHAT}}</td><td>{{STEP_CLAUSE}}</td><td>{{NOTE}}</td></tr>{{/STEP}}</tbody>
</table>
<h2>Members and units sent</h2>
{{#NONE_SENT}}<p>Nobody was sent.</p>{{/NONE_SENT}}
<table class="sheet sent">
<thead><tr><th scope="col">Member</th><th scope="col">Specialized unit</th><th scope="col">Authorized by</th><th scope="col">Sent</th><th scope="col">Check-ins</th><th scope="col">Status</th></tr></thead>
<tbody>{{#SENT}}<tr><td>{{MEMBER}}</td><td>{{UNIT}}</td><td>{{AUTHORIZED_BY}}</td><td>{{SENT_AT}}</td><td>{{CHECKINS}}</td><td>{{DEP_STATUS}}</td></tr>{{/SENT}}</tbody>
</table>
<h2>Follow-up</h2>
<p>Teletype received: <strong>{{TELETYPE}}</strong> &nbsp;·&nbsp; Official letter received: <strong>{{LETTER}}</strong></p>
<div class="signatures">
<p>Requesting officer: ______________________________ &nbsp; Date/time: ______________</p>
<p>Authorized by: ______________________________ &nbsp; Title: ______________</p>
</div>
<p class="no-print"><a href="/requests/{{ID}}">Back to the request</a> · use your browser's Print command (one or two pages).</p>
</article>
