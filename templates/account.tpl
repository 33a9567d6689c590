{{%AUTOESCAPE context="HTML"}}<h1>Your account</h1>
{{#MESSAGE_BOX}}<div class="notice" role="status"><p>{{MESSAGE}}</p></div>{{/MESSAGE_BOX}}
<p>{{LOGIN}} · <a href="/account/password">Change your password</a> · <a href="/account/totp">Two-factor sign-in</a>{{#HAS_TOTP}} (on){{/HAS_TOTP}}{{#NO_TOTP}} (off){{/NO_TOTP}}</p>
<h2>Your sessions</h2>
<p class="hint">Every place where you are signed in. End any you do not recognise, and tell an administrator. A session ends after {{IDLE}} minutes without use and {{MAX}} hours after it began.</p>
<table class="list sessions"><thead><tr><th scope="col">Started</th><th scope="col">Last used</th><th scope="col">Address</th><th scope="col">Browser</th><th scope="col"><span class="visually-hidden">End</span></th></tr></thead>
<tbody>{{#SESSION}}<tr><td data-label="Started" class="time">{{STARTED}}</td><td data-label="Last used" class="time">{{LAST_USED}}</td><td data-label="Address">{{ADDR}}</td><td data-label="Browser">{{BROWSER}}</td><td>{{#CURRENT}}<strong>This session</strong>{{/CURRENT}}{{#OTHER}}<form method="post" action="/account/sessions/{{ID}}/end" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit">End this session</button></form>{{/OTHER}}</td></tr>{{/SESSION}}</tbody></table>
