{{%AUTOESCAPE context="HTML"}}<h1>Inbox</h1>
<p>Your notifications and your role's: unacknowledged emergencies first, then newest first.</p>
{{#EMPTY}}<p>Nothing here.</p>{{/EMPTY}}
<ul class="inbox">
{{#NOTIFICATION}}<li class="{{#UNACKED}}unacked{{/UNACKED}}{{#EMERGENCY}} emergency{{/EMERGENCY}}" id="n-{{ID}}">
<p class="meta">{{#EMERGENCY}}<span class="tag urgent">Emergency</span> {{/EMERGENCY}}<a href="/requests/{{REQUEST_ID}}">Request #{{REQUEST_ID}}</a> · {{KIND_LABEL}}{{#AGENCY}} · {{AGENCY_NAME}}{{/AGENCY}}{{#PLACE}} · {{PLACE_TEXT}}{{/PLACE}} · <span class="time" title="{{CREATED}}">{{AGE}} ago</span>{{#FOR_ROLE}} · <em>for your role</em>{{/FOR_ROLE}}{{#UNACKED}} · <strong>new</strong>{{/UNACKED}}{{#STALE}} · <strong class="tag urgent stale">Not acknowledged for over {{ACK_MINUTES}} min</strong>{{/STALE}}</p>
<p>{{REASON}} <span class="clause">{{CLAUSE}}</span></p>
{{#UNACKED}}<form method="post" action="/notifications/{{ID}}/ack" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}"><button type="submit">Acknowledge</button></form>{{/UNACKED}}
{{#ACKED}}<p class="hint">Acknowledged {{ACKNOWLEDGED}}</p>{{/ACKED}}
</li>{{/NOTIFICATION}}
</ul>
