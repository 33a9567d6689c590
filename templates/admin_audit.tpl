{{%AUTOESCAPE context="HTML"}}<h1>Audit trail of accounts</h1>
<p class="hint">Sign-ins and their failures, second factors, passwords, sessions ended, account changes (a request's events are on its page): each event is sealed into the hash chain (<code>portalctl audit verify</code>) and kept for good. The newest {{MAX}} events that match are shown; <code>portalctl audit --since DATE --login LOGIN</code> lists them all.</p>
<form method="get" action="/admin/audit" class="form filters">
<div class="filter-grid">
<div class="field"><label for="au-login">Login</label><input id="au-login" name="login" type="text" value="{{login}}" maxlength="64"></div>
<div class="field"><label for="au-action">Action</label><input id="au-action" name="action" type="text" value="{{action}}" maxlength="64" list="au-actions"><datalist id="au-actions"><option value="sign_in"><option value="sign_in_failed"><option value="second_factor_enrolled"><option value="password_changed"><option value="session_ended"><option value="account_created"><option value="account_changed"></datalist></div>
<div class="field"><label for="au-since">Since (YYYY-MM-DD)</label><input id="au-since" name="since" type="date" value="{{since}}"></div>
</div>
<button type="submit">Show</button>
</form>
<table class="list"><thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Clause</th><th scope="col">Request</th><th scope="col">Note</th></tr></thead>
<tbody>{{#EVENT}}<tr><td data-label="When" class="time">{{AT}}</td><td data-label="Who">{{ACTOR}}</td><td data-label="Action">{{ACTION}}</td><td data-label="Clause">{{CLAUSE}}</td><td data-label="Request">{{REQUEST}}</td><td data-label="Note">{{NOTE}}</td></tr>{{/EVENT}}</tbody></table>
