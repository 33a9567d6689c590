{{%AUTOESCAPE context="HTML"}}<div class="request-head">
{{#AGAIN}}<p class="notice" role="status">You had sent this form already: it was stored the first time, and nothing new was stored now.</p>{{/AGAIN}}
<h1>Request #{{ID}} <span class="kind">· {{KIND_LABEL}}</span></h1>
{{#ACTION_ERROR}}<div class="error-summary" role="alert" id="action-error">
<h2>{{ERR_ACTION}}: please correct</h2>
<p>{{ERR_MESSAGE}}{{#ERR_CLAUSE}} <span class="clause">{{CLAUSE}}</span>{{/ERR_CLAUSE}}</p>
{{#ERR_FIELD}}<p><a href="#{{ANCHOR}}">Go to the field</a></p>{{/ERR_FIELD}}
</div>{{/ACTION_ERROR}}
<div class="banner" id="banner">
<p class="banner-state"><span class="status s-{{STATUS}}" id="status">{{STATUS_LABEL}}</span>{{#EMERGENCY}} <span class="tag urgent">Emergency</span>{{/EMERGENCY}} <strong>{{#BANNER_WAIT}}{{WAIT_TEXT}}, {{/BANNER_WAIT}}{{BANNER_SINCE}}</strong>{{#PROVISIONAL}}; provisionally authorized: {{AUTH_SQUADS}} squad(s), {{AUTH_SUPERVISORS}} supervisor(s){{#AUTH_UNIT}}, {{LABEL}}{{/AUTH_UNIT}}{{/PROVISIONAL}}.</p>
{{#ACK_BANNER}}<form method="post" action="/notifications/{{NOTIFICATION_ID}}/ack" class="inline ack-form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}"><input type="hidden" name="next" value="/requests/{{ID}}"><button type="submit" class="{{ACK_CLASS}}">Acknowledge your notification</button></form>{{/ACK_BANNER}}
</div>
<p>Filed by {{FILED_BY}} on <span class="time">{{CREATED}}</span></p>
{{#DENIED}}<p class="notice denied">Denied: {{DENIAL_REASON}}</p>{{/DENIED}}
{{#ASSESSMENT}}<p>On-scene assessment <span class="clause">{{ASSESS_CLAUSE}}</span>: {{#AWAITED}}<strong>awaited</strong> from the on-scene supervisor.{{/AWAITED}}{{#ASSESSED}}recorded {{ASSESSED_AT}}.{{/ASSESSED}}{{#NONE_RECORDED}}none was recorded.{{/NONE_RECORDED}}</p>{{/ASSESSMENT}}
{{#FOLLOWUPS}}<p>Follow-up documents <span class="clause">{{FOLLOWUP_CLAUSE}}</span>: teletype {{TELETYPE}}; official letter {{LETTER}}.</p>{{/FOLLOWUPS}}
{{#EXCEPTION}}<p class="notice">Exception to rule {{RULE_ID}} <span class="clause">{{RULE_CLAUSE}}</span> ({{RULE_SUMMARY}}) granted by {{BY}} on {{AT}}: {{REASON}}</p>{{/EXCEPTION}}
</div>
<p class="print-link"><a href="/requests/{{ID}}/print">Printable request sheet</a></p>
<section class="details" aria-labelledby="h-details">
<h2 id="h-details">Details</h2>
{{#LONG}}<div class="long"><h3>{{LABEL}}</h3><p class="pre">{{VALUE}}</p></div>{{/LONG}}
<dl class="grid">
{{#DETAIL}}<div><dt>{{LABEL}}</dt><dd>{{VALUE}}{{#ITEM}}<span class="tag">{{ITEM_LABEL}}</span> {{/ITEM}}</dd></div>{{/DETAIL}}
</dl>
</section>
{{#HAS_ACTIONS}}<section class="actions" aria-labelledby="h-actions">
<h2 id="h-actions">What you can do now</h2>
{{#ACTION}}<form method="post" action="/requests/{{ID}}/{{ACTION_ID}}" class="action form{{#PRIMARY}} primary-action{{/PRIMARY}}{{#OTHER}} secondary-action{{/OTHER}}">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h3>{{ACTION_LABEL}}{{#ACTION_CLAUSE}} <span class="clause">{{ACTION_CLAUSE}}</span>{{/ACTION_CLAUSE}}</h3>
{{#RESOURCES}}{{#ASKED}}<p class="hint">Leave these empty to approve what is asked: {{ASKED_TEXT}}. Dispatches are held to what is approved.</p>{{/ASKED}}{{#CAPS}}<p class="hint">At most {{CAP_SQUADS}} squads, {{CAP_SUPERVISORS}} supervisor and {{CAP_UNITS}} specialized unit.</p>{{/CAPS}}
<div class="field{{#BAD_SQUADS}} invalid{{/BAD_SQUADS}}"><label for="{{ACTION_ID}}-squads">Squads</label>{{#BAD_SQUADS}}<p class="field-error" id="err-{{ACTION_ID}}-squads">{{ERR_TEXT}}</p>{{/BAD_SQUADS}}<input id="{{ACTION_ID}}-squads" name="squads" type="number" min="0" max="99" inputmode="numeric" value="{{V_SQUADS}}"{{#BAD_SQUADS}} aria-invalid="true" aria-describedby="err-{{ACTION_ID}}-squads"{{/BAD_SQUADS}}></div>
<div class="field{{#BAD_SUPERVISORS}} invalid{{/BAD_SUPERVISORS}}"><label for="{{ACTION_ID}}-supervisors">Supervisors</label>{{#BAD_SUPERVISORS}}<p class="field-error" id="err-{{ACTION_ID}}-supervisors">{{ERR_TEXT}}</p>{{/BAD_SUPERVISORS}}<input id="{{ACTION_ID}}-supervisors" name="supervisors" type="number" min="0" max="99" inputmode="numeric" value="{{V_SUPERVISORS}}"{{#BAD_SUPERVISORS}} aria-invalid="true" aria-describedby="err-{{ACTION_ID}}-supervisors"{{/BAD_SUPERVISORS}}></div>
<fieldset class="choices"><legend>Specialized units</legend>{{#UNIT}}<label class="check"><input type="checkbox" name="special_units" value="{{VALUE}}"> {{LABEL}}</label>{{/UNIT}}</fieldset>{{/RESOURCES}}
{{#DISPATCH}}<datalist id="roster">{{#MEMBER}}<option value="{{LOGIN}}">{{LABEL}}</option>{{/MEMBER}}</datalist>
<p class="hint">Members of the department, by login: an officer goes as a squad, a supervisor as a supervisor.</p>
<div class="field"><label for="dispatch-assignee-1">Member sent</label><input id="dispatch-assignee-1" name="assignee" type="text" maxlength="32" list="roster" autocomplete="off"></div>
<div class="field"><label for="dispatch-assignee-2">Another member (optional)</label><input id="dispatch-assignee-2" name="assignee" type="text" maxlength="32" list="roster" autocomplete="off"></div>
<fieldset class="choices"><legend>Specialized units sent</legend>{{#UNIT}}<label class="check"><input type="checkbox" name="special_units" value="{{VALUE}}"> {{LABEL}}</label>{{/UNIT}}</fieldset>
<div class="field{{#BAD_ETA}} invalid{{/BAD_ETA}}"><label for="dispatch-eta">Expected on scene in (minutes, optional: the agency sees it)</label>{{#BAD_ETA}}<p class="field-error" id="err-dispatch-eta">{{ERR_TEXT}}</p>{{/BAD_ETA}}<input id="dispatch-eta" name="eta" type="number" min="1" max="1440" inputmode="numeric" value="{{V_ETA}}"{{#BAD_ETA}} aria-invalid="true" aria-describedby="err-dispatch-eta"{{/BAD_ETA}}></div>{{/DISPATCH}}
{{#FOLLOWUP}}<div class="field"><label for="followup-type">Document received</label><select id="followup-type" name="type"><option value="teletype">Teletype</option><option value="letter">Official letter</option></select></div>
<div class="field"><label for="followup-note">Note</label><input id="followup-note" name="note" type="text" maxlength="2000"></div>{{/FOLLOWUP}}
{{#EXCEPT}}<div class="field"><label for="except-rule">Rule to except</label><select id="except-rule" name="rule">{{#RULE_OPTION}}<option value="{{VALUE}}">{{LABEL}} ({{RULE_ID}}): {{RULE_SUMMARY}}</option>{{/RULE_OPTION}}</select></div>{{/EXCEPT}}
{{#REASON}}<div class="field{{#BAD_REASON}} invalid{{/BAD_REASON}}"><label for="{{ACTION_ID}}-reason">Reason (required)</label>{{#BAD_REASON}}<p class="field-error" id="err-{{ACTION_ID}}-reason">{{ERR_TEXT}}</p>{{/BAD_REASON}}<textarea id="{{ACTION_ID}}-reason" name="reason" rows="2" maxlength="2000" required{{#BAD_REASON}} aria-invalid="true" aria-describedby="err-{{ACTION_ID}}-reason"{{/BAD_REASON}}>{{V_REASON}}</textarea></div>{{/REASON}}
{{#CONFIRM}}<div class="field{{#BAD_CONFIRM}} invalid{{/BAD_CONFIRM}}">{{#BAD_CONFIRM}}<p class="field-error" id="err-{{ACTION_ID}}-confirm">{{ERR_TEXT}}</p>{{/BAD_CONFIRM}}<label class="check" for="{{ACTION_ID}}-confirm"><input id="{{ACTION_ID}}-confirm" name="confirm" type="checkbox" value="yes" required{{#CONFIRMED}} checked{{/CONFIRMED}}{{#BAD_CONFIRM}} aria-invalid="true" aria-describedby="err-{{ACTION_ID}}-confirm"{{/BAD_CONFIRM}}> Yes, cancel this request: those working on it are told why</label></div>{{/CONFIRM}}
{{#NOTE}}<div class="field{{#BAD_NOTE}} invalid{{/BAD_NOTE}}"><label for="{{ACTION_ID}}-note">Note</label>{{#BAD_NOTE}}<p class="field-error" id="err-{{ACTION_ID}}-note">{{ERR_TEXT}}</p>{{/BAD_NOTE}}<input id="{{ACTION_ID}}-note" name="note" type="text" maxlength="2000" value="{{V_NOTE}}"{{#BAD_NOTE}} aria-invalid="true" aria-describedby="err-{{ACTION_ID}}-note"{{/BAD_NOTE}}></div>{{/NOTE}}
<button type="submit" class="{{#DANGER}}danger{{/DANGER}}{{#PLAIN}}primary{{/PLAIN}}{{#SECONDARY}}secondary{{/SECONDARY}}">{{ACTION_LABEL}}</button>
</form>{{/ACTION}}
</section>{{/HAS_ACTIONS}}
{{#HAS_DEPLOYMENTS}}<section aria-labelledby="h-deployments">
<h2 id="h-deployments">Deployments</h2>
<p class="hint">A deployment with no check-in for {{CHECKIN_MINUTES}} minutes is overdue <span class="clause">{{CHECKIN_CLAUSE}}</span>.</p>
<table class="list">
<thead><tr><th scope="col">Unit or officer</th><th scope="col">Authorized by</th><th scope="col">Sent</th><th scope="col">Status</th><th scope="col">Last check-in</th><th scope="col">Check in</th></tr></thead>
<tbody>
{{#DEPLOYMENT}}<tr{{#OVERDUE}} class="overdue"{{/OVERDUE}}><td data-label="Unit or officer">{{ASSIGNEE}}</td><td data-label="Authorized by">{{AUTHORIZED_BY}}</td><td data-label="Sent" class="time">{{SENT}}</td><td data-label="Status">{{DEP_STATUS}}{{#OVERDUE}} <span class="tag urgent">Overdue</span>{{/OVERDUE}}</td><td data-label="Last check-in" class="time">{{LAST_CHECKIN}}</td>
<td data-label="Check in">{{#CHECKIN_FORM}}<form method="post" action="/requests/{{ID}}/checkin" class="inline checkin">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}"><input type="hidden" name="deployment" value="{{DEPLOYMENT_ID}}">
<label for="ci-{{DEPLOYMENT_ID}}" class="visually-hidden">Status of {{ASSIGNEE}}</label>
<select id="ci-{{DEPLOYMENT_ID}}" name="status">{{#STATUS_OPTION}}<option value="{{VALUE}}">{{LABEL}}</option>{{/STATUS_OPTION}}</select>
<label for="cn-{{DEPLOYMENT_ID}}" class="visually-hidden">Note</label><input id="cn-{{DEPLOYMENT_ID}}" name="note" type="text" maxlength="2000" placeholder="note">
<button type="submit">Check in</button></form>{{/CHECKIN_FORM}}</td></tr>{{/DEPLOYMENT}}
</tbody></table>
</section>{{/HAS_DEPLOYMENTS}}
<section aria-labelledby="h-notified">
<h2 id="h-notified">Who was notified</h2>
{{#HAS_NOTIFICATIONS}}<table class="list">
<thead><tr><th scope="col">Recipient</th><th scope="col">Role</th><th scope="col">Why</th><th scope="col">Clause</th><th scope="col">When</th><th scope="col">Acknowledged</th>{{#STAFF_VIEW}}<th scope="col">E&#8209;mail</th>{{/STAFF_VIEW}}</tr></thead>
<tbody>
{{#NOTIFICATION}}<tr><td data-label="Recipient">{{RECIPIENT}}</td><td data-label="Role">{{ROLE}}</td><td data-label="Why">{{REASON}}</td><td data-label="Clause"><span class="clause">{{CLAUSE}}</span></td><td data-label="When" class="time">{{CREATED}}</td><td data-label="Acknowledged" class="time">{{#ACKED}}{{ACKNOWLEDGED}}{{/ACKED}}{{#NOT_ACKED}}not yet{{/NOT_ACKED}}{{#ACK_FORM}}<form method="post" action="/notifications/{{NOTIFICATION_ID}}/ack" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}"><input type="hidden" name="next" value="/requests/{{ID}}"><button type="submit">Acknowledge</button></form>{{/ACK_FORM}}</td>{{#STAFF}}<td data-label="E-mail">{{EMAIL}}</td>{{/STAFF}}</tr>{{/NOTIFICATION}}
</tbody></table>{{/HAS_NOTIFICATIONS}}
</section>
<section aria-labelledby="h-timeline">
<h2 id="h-timeline">Timeline</h2>
<ol class="timeline">
{{#EVENT}}<li class="t-{{ENTRY}}"><time>{{AT}}</time> <strong>{{ACTION}}</strong> · {{ACTOR}}{{#EVENT_CLAUSE}} <span class="clause">{{CLAUSE}}</span>{{/EVENT_CLAUSE}}{{#EVENT_NOTE}}<br><span class="note">{{NOTE}}</span>{{/EVENT_NOTE}}</li>{{/EVENT}}
</ol>
<p class="hint">Times are Central (America/Chicago).</p>
</section>
