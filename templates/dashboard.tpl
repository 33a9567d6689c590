{{%AUTOESCAPE context="HTML"}}<h1>Dashboard</h1>
{{#MAIL_BEHIND}}<div class="notice denied" role="alert"><strong>E-mail is behind.</strong> {{BACKLOG}} notification(s) wait to be sent{{#OLDEST}}, the oldest for {{MINUTES}} min{{/OLDEST}}.{{#NOTIFIER_DOWN}} The notifier has not been seen for over two minutes.{{/NOTIFIER_DOWN}} Every notification is kept and shown in the recipient's inbox here; tell the system administrator (<code>make status</code>).</div>{{/MAIL_BEHIND}}
{{#MAIL_OK}}<p class="status-line">E-mail: {{BACKLOG}} notification(s) waiting{{#OLDEST}} (the oldest for {{MINUTES}} min){{/OLDEST}}.</p>{{/MAIL_OK}}
<section class="figures" aria-label="Key figures">
<div class="figure"><span class="num">{{APPROVE_MIN}}</span><span>median minutes from filing to approval (90 days)</span></div>
<div class="figure"><span class="num">{{DISPATCH_MIN}}</span><span>median minutes from filing to dispatch (90 days)</span></div>
<div class="figure"><span class="num"><a href="/deployments">{{OVERDUE_CHECKINS}}</a></span><span>deployments overdue for a check-in now</span></div>
<div class="figure"><span class="num">{{OVERDUE_FOLLOWUPS}}</span><span>telephone requests with teletype or letter overdue now</span></div>
</section>
<section aria-labelledby="h-weekly">
<h2 id="h-weekly">Requests per week, by kind</h2>
<svg class="chart" viewBox="0 0 {{CHART_W}} {{CHART_H}}" role="img" aria-labelledby="weekly-title weekly-desc">
<title id="weekly-title">Requests per week by kind, last 12 weeks</title>
<desc id="weekly-desc">Stacked bars, one per week; the table below gives the numbers.</desc>
<line x1="{{AXIS_X}}" y1="{{AXIS_Y}}" x2="{{CHART_W}}" y2="{{AXIS_Y}}" class="axis"></line>
<text x="4" y="16" class="tick">{{WEEK_MAX}}</text><text x="4" y="{{AXIS_Y}}" class="tick">0</text>
{{#BAR}}<rect x="{{X}}" y="{{Y}}" width="{{W}}" height="{{H}}" class="k{{IDX}}"><title>{{WEEK}}: {{N}} × {{TIP}}</title></rect>{{/BAR}}
{{#WEEK}}<text x="{{LX}}" y="{{LY}}" class="tick wk" text-anchor="middle">{{LABEL}}</text>{{/WEEK}}
</svg>
<ul class="legend">{{#KIND_KEY}}<li><span class="swatch k{{IDX}}" aria-hidden="true"></span>{{LABEL}}</li>{{/KIND_KEY}}</ul>
<details><summary>The numbers</summary>
<table class="list numbers"><thead><tr><th scope="col">Week of</th>{{#KIND_KEY}}<th scope="col">{{LABEL}}</th>{{/KIND_KEY}}</tr></thead>
<tbody>{{#WEEK}}<tr><th scope="row">{{LABEL}}</th>{{#CELL}}<td data-label="{{KIND_LABEL}}">{{N}}</td>{{/CELL}}</tr>{{/WEEK}}</tbody></table>
</details>
</section>
<section aria-labelledby="h-open">
<h2 id="h-open">Open requests by status</h2>
<svg class="chart" viewBox="0 0 640 {{STATUS_H}}" role="img" aria-labelledby="open-title">
<title id="open-title">Open requests by status</title>
{{#STATUS_BAR}}<text x="0" y="{{TY}}" class="tick">{{LABEL}}</text><rect x="0" y="{{Y}}" width="{{W}}" height="20" class="s-bar"><title>{{LABEL}}: {{N}}</title></rect><text x="{{NX}}" y="{{NY}}" class="tick">{{N}}</text>{{/STATUS_BAR}}
</svg>
<table class="list numbers"><thead><tr><th scope="col">Status</th><th scope="col">Requests</th></tr></thead>
<tbody>{{#STATUS_BAR}}<tr><td data-label="Status"><a href="/history?status={{STATUS}}">{{LABEL}}</a></td><td data-label="Requests">{{N}}</td></tr>{{/STATUS_BAR}}</tbody></table>
</section>
<section aria-labelledby="h-federal">
<h2 id="h-federal">Federal requests and the Chief's acknowledgment</h2>
{{#NO_FEDERAL}}<p>No federal requests yet.</p>{{/NO_FEDERAL}}
<table class="list"><thead><tr><th scope="col">No.</th><th scope="col">Filed</th><th scope="col">Kind</th><th scope="col">Agency</th><th scope="col">Case</th><th scope="col">Chief notified</th><th scope="col">Chief acknowledged</th></tr></thead>
<tbody>{{#FEDERAL}}<tr><td data-label="No."><a href="/requests/{{ID}}">#{{ID}}</a></td><td data-label="Filed" class="time">{{CREATED}}</td><td data-label="Kind">{{KIND_LABEL}}</td><td data-label="Agency">{{AGENCY}}</td><td data-label="Case">{{CASE_NUMBER}}</td><td data-label="Chief notified" class="time">{{NOTIFIED}}</td><td data-label="Chief acknowledged">{{#ACKED}}<span class="time">{{ACK}}</span>{{/ACKED}}{{#NOT_ACKED}}<strong class="warn">not yet</strong>{{/NOT_ACKED}}</td></tr>{{/FEDERAL}}</tbody></table>
</section>
