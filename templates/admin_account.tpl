{{%AUTOESCAPE context="HTML"}}<h1>Account {{LOGIN}}</h1>
{{#MESSAGE_BOX}}<div class="error-summary" role="alert"><p>{{MESSAGE}}</p></div>{{/MESSAGE_BOX}}
<p>{{REQUESTS}} request(s) filed by this account. {{#ON_DUTY}}On duty.{{/ON_DUTY}}{{#OFF_DUTY}}Off duty.{{/OFF_DUTY}} {{#DISABLED}}<strong>Disabled.</strong>{{/DISABLED}}</p>
<form method="post" action="/admin/accounts/{{ID}}" class="form">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}"><input type="hidden" name="op" value="save">
<div class="filter-grid">
<div class="field"><label for="e-name">Full name</label><input id="e-name" name="name" type="text" value="{{name}}" maxlength="200" required></div>
<div class="field"><label for="e-role">Role</label><select id="e-role" name="role">{{#ROLE_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/ROLE_OPTION}}</select></div>
<div class="field"><label for="e-email">E-mail</label><input id="e-email" name="email" type="email" value="{{email}}" maxlength="254"></div>
<div class="field"><label for="e-agency">Agency</label><input id="e-agency" name="agency" type="text" value="{{agency}}" maxlength="200"></div>
<div class="field"><label for="e-type">Agency type</label><select id="e-type" name="agency_type"><option value="">—</option>{{#TYPE_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/TYPE_OPTION}}</select></div>
<div class="field"><label for="e-bureau">Bureau</label>{{#BUREAU_TEXT}}<input id="e-bureau" name="bureau" type="text" value="{{bureau}}" maxlength="100">{{/BUREAU_TEXT}}{{#BUREAU_SELECT}}<select id="e-bureau" name="bureau"><option value="">—</option>{{#OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/OPTION}}</select>{{/BUREAU_SELECT}}</div>
<div class="field"><label for="e-district">District or division</label>{{#DISTRICT_TEXT}}<input id="e-district" name="district" type="text" value="{{district}}" maxlength="100">{{/DISTRICT_TEXT}}{{#DISTRICT_SELECT}}<select id="e-district" name="district"><option value="">—</option>{{#OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/OPTION}}</select>{{/DISTRICT_SELECT}}</div>
<div class="field"><label for="e-unit">Specialized unit</label><select id="e-unit" name="unit"><option value="">—</option>{{#UNIT_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/UNIT_OPTION}}</select></div>
</div>
<button type="submit" class="primary">Save</button>
</form>
<div class="actions">
<form method="post" action="/admin/accounts/{{ID}}" class="action form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h2>Duty</h2>{{#ON_DUTY}}<input type="hidden" name="op" value="duty_off"><button type="submit">Set off duty</button>{{/ON_DUTY}}{{#OFF_DUTY}}<input type="hidden" name="op" value="duty_on"><button type="submit">Set on duty</button>{{/OFF_DUTY}}</form>
<form method="post" action="/admin/accounts/{{ID}}" class="action form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h2>Reset the password</h2><div class="field"><label for="e-password">New password (12 characters or more; changed by its holder at first sign-in)</label><input id="e-password" name="password" type="password" maxlength="256" autocomplete="new-password"></div>
<input type="hidden" name="op" value="password"><button type="submit">Reset the password</button></form>
<form method="post" action="/admin/accounts/{{ID}}" class="action form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h2>Access</h2>{{#ENABLED}}<input type="hidden" name="op" value="disable"><button type="submit" class="danger">Disable the account</button>{{/ENABLED}}{{#DISABLED}}<input type="hidden" name="op" value="enable"><button type="submit">Enable the account</button>{{/DISABLED}}</form>
{{#HAS_TOTP}}<form method="post" action="/admin/accounts/{{ID}}" class="action form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h2>Second factor</h2><p>Signs in with a code from an authenticator app. A reset signs the account out everywhere, e-mails its holder, and makes them enrol again.</p><input type="hidden" name="op" value="totp_reset"><button type="submit" class="danger">Reset the second factor</button></form>{{/HAS_TOTP}}{{#NO_TOTP}}<div class="action"><h2>Second factor</h2><p>None enrolled.</p></div>{{/NO_TOTP}}
<form method="post" action="/admin/accounts/{{ID}}" class="action form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h2>Sessions</h2><input type="hidden" name="op" value="end_sessions"><button type="submit">End all sessions of this account</button></form>
{{#HAS_THROTTLE}}<form method="post" action="/admin/accounts/{{ID}}" class="action form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h2>Failed sign-ins</h2>
<table class="list"><thead><tr><th scope="col">From</th><th scope="col">Failures in a row</th><th scope="col">Last failure</th><th scope="col">Paused until</th></tr></thead>
<tbody>{{#THROTTLE}}<tr><td data-label="From">{{ADDR}}</td><td data-label="Failures in a row">{{FAILURES}}</td><td data-label="Last failure" class="time">{{LAST_FAILURE}}</td><td data-label="Paused until" class="time">{{UNTIL}}</td></tr>{{/THROTTLE}}</tbody></table>
<input type="hidden" name="op" value="unlock"><button type="submit">Clear the failed sign-ins</button></form>{{/HAS_THROTTLE}}
<form method="post" action="/admin/accounts/{{ID}}" class="action form"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<h2>Delete</h2><p class="hint">Only an account nothing refers to can be deleted; otherwise disable it.</p><input type="hidden" name="op" value="delete"><button type="submit" class="danger">Delete the account</button></form>
</div>
<p><a href="/admin/accounts">All accounts</a></p>
