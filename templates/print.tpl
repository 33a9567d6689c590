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
<h2>Follow-up</h2>
<p>Teletype received: <strong>{{TELETYPE}}</strong> &nbsp;·&nbsp; Official letter received: <strong>{{LETTER}}</strong></p>
<div class="signatures">
<p>Requesting officer: ______________________________ &nbsp; Date/time: ______________</p>
<p>Authorized by: ______________________________ &nbsp; Title: ______________</p>
</div>
<p class="no-print"><a href="/requests/{{ID}}">Back to the request</a> · use your browser's Print command (one or two pages).</p>
</article>
