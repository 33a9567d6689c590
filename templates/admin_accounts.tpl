{{%AUTOESCAPE context="HTML"}}<h1>Accounts and duty roster</h1>
{{#AGAIN}}<p class="notice" role="status">You had sent this form already: it was stored the first time, and nothing new was stored now.</p>{{/AGAIN}}

{{#MESSAGE_BOX}}<div class="error-summary" role="alert"><p>{{MESSAGE}}</p></div>{{/MESSAGE_BOX}}
<p><a href="/admin/audit">Audit trail</a>: sign-ins, second factors, passwords, sessions and account changes.</p>
<p>"Not available" in the policy means off duty: notifications and approvals go to the fallback the policy names while nobody of a role is on duty.</p>
<table class="list">
<thead><tr><th scope="col">Login</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Agency / bureau / district / unit</th><th scope="col">Duty</th><th scope="col">State</th></tr></thead>
<tbody>
{{#ACCOUNT}}<tr><td data-label="Login"><a href="/admin/accounts/{{ID}}">{{LOGIN}}</a></td><td data-label="Name">{{NAME}}</td><td data-label="Role">{{ROLE}}</td><td data-label="Attributes">{{ATTR}}</td>
<td data-label="Duty"><form method="post" action="/admin/accounts/{{ID}}" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">{{#ON_DUTY}}<span class="tag">on duty</span> <input type="hidden" name="op" value="duty_off"><button type="submit">Set off duty</button>{{/ON_DUTY}}{{#OFF_DUTY}}<span class="tag">off duty</span> <input type="hidden" name="op" value="duty_on"><button type="submit">Set on duty</button>{{/OFF_DUTY}}</form></td>
<td data-label="State">{{#DISABLED}}<span class="tag urgent">disabled</span>{{/DISABLED}}{{#LOCKED}} <span class="tag">sign-in paused</span>{{/LOCKED}}</td></tr>{{/ACCOUNT}}
</tbody></table>
<h2 id="new">New account</h2>
<form method="post" action="/admin/accounts" class="form">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="submission" value="{{SUBMISSION}}">
<div class="filter-grid">
<div class="field"><label for="a-login">Login (required)</label><input id="a-login" name="login" type="text" value="{{login}}" maxlength="32" required autocapitalize="none"></div>
<div class="field"><label for="a-name">Full name (required)</label><input id="a-name" name="name" type="text" value="{{name}}" maxlength="200" required></div>
<div class="field"><label for="a-role">Role (required)</label><select id="a-role" name="role">{{#ROLE_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/ROLE_OPTION}}</select></div>
<div class="field"><label for="a-email">E-mail</label><input id="a-email" name="email" type="email" value="{{email}}" maxlength="254"></div>
<div class="field"><label for="a-agency">Agency (outside agencies)</label><input id="a-agency" name="agency" type="text" value="{{agency}}" maxlength="200"></div>
<div class="field"><label for="a-type">Agency type</label><select id="a-type" name="agency_type"><option value="">—</option>{{#TYPE_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/TYPE_OPTION}}</select></div>
<div class="field"><label for="a-bureau">Bureau (bureau chiefs)</label>{{#BUREAU_TEXT}}<input id="a-bureau" name="bureau" type="text" value="{{bureau}}" maxlength="100">{{/BUREAU_TEXT}}{{#BUREAU_SELECT}}<select id="a-bureau" name="bureau"><option value="">—</option>{{#OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/OPTION}}</select>{{/BUREAU_SELECT}}</div>
<div class="field"><label for="a-district">District or division (commanders)</label>{{#DISTRICT_TEXT}}<input id="a-district" name="district" type="text" value="{{district}}" maxlength="100">{{/DISTRICT_TEXT}}{{#DISTRICT_SELECT}}<select id="a-district" name="district"><option value="">—</option>{{#OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/OPTION}}</select>{{/DISTRICT_SELECT}}</div>
<div class="field"><label for="a-unit">Specialized unit (unit commanders)</label><select id="a-unit" name="unit"><option value="">—</option>{{#UNIT_OPTION}}<option value="{{VALUE}}"{{#CHOSEN}} selected{{/CHOSEN}}>{{LABEL}}</option>{{/UNIT_OPTION}}</select></div>
<div class="field"><label for="a-password">Initial password (12 characters or more)</label><input id="a-password" name="password" type="password" maxlength="256" required autocomplete="new-password"></div>
</div>
<button type="submit" class="primary">Create the account</button>
</form>
