{{%AUTOESCAPE context="HTML"}}<h1>Inbox</h1>
<p>Your notifications and your role's, newest first.</p>
{{#EMPTY}}<p>Nothing here.</p>{{/EMPTY}}
<ul class="inbox">
{{#NOTIFICATION}}<li class="{{#UNACKED}}unacked{{/UNACKED}}">
<p class="meta">{{CREATED}} · <a href="/requests/{{REQUEST_ID}}">Request #{{REQUEST_ID}}</a> · {{KIND_LABEL}}{{#FOR_ROLE}} · <em>for your role</em>{{/FOR_ROLE}}{{#UNACKED}} · <strong>new</strong>{{/UNACKED}}</p>
<p>{{REASON}} <span class="clause">{{CLAUSE}}</span></p>
{{#UNACKED}}<form method="post" action="/notifications/{{ID}}/ack" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}"><button type="submit">Acknowledge</button></form>{{/UNACKED}}
{{#ACKED}}<p class="hint">Acknowledged {{ACKNOWLEDGED}}</p>{{/ACKED}}
</li>{{/NOTIFICATION}}
</ul>
