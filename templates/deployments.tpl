{{%AUTOESCAPE context="HTML"}}<h1>Active deployments</h1>
<p>Officers and units deployed and not yet returned, longest without a check-in first.{{#CHECKIN_RULE}} {{CHECKIN_SUMMARY}} <span class="clause">{{CHECKIN_CLAUSE}}</span>{{/CHECKIN_RULE}}</p>
{{#NONE}}<p>Nobody is deployed now.</p>{{/NONE}}
<table class="list">
<thead><tr><th scope="col">Request</th><th scope="col">Unit or officer</th><th scope="col">Status</th><th scope="col">Location</th><th scope="col">Last check-in</th><th scope="col">Minutes since</th></tr></thead>
<tbody>
{{#DEPLOYMENT}}<tr{{#OVERDUE}} class="overdue"{{/OVERDUE}}><td><a href="/requests/{{REQUEST_ID}}">#{{REQUEST_ID}}</a></td><td>{{ASSIGNEE}}</td><td>{{DEP_STATUS}}{{#OVERDUE}} <span class="tag urgent">Overdue</span> <span class="clause">{{CLAUSE}}</span>{{/OVERDUE}}</td><td>{{LOCATION}}</td><td>{{LAST_CHECKIN}}</td><td>{{IDLE}}</td></tr>{{/DEPLOYMENT}}
</tbody>
</table>
