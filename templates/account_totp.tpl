{{%AUTOESCAPE context="HTML"}}<section class="narrow">
<h1>Two-factor sign-in</h1>
{{#MESSAGE_BOX}}<div class="error-summary" role="alert"><p>{{MESSAGE}}</p></div>{{/MESSAGE_BOX}}
{{#ENROLLED}}<p>Your account signs in with a password and a code from your authenticator app (enrolled {{SINCE}}). {{LEFT}} of your recovery codes are left.</p>
<p class="hint">Lost your phone or out of recovery codes? An administrator can reset your second factor; you then enrol again.</p>{{/ENROLLED}}
{{#RECOVERY}}<div class="notice" role="status"><p><strong>Two-factor sign-in is on.</strong> Keep these recovery codes somewhere safe, away from your phone. Each works once, in place of a code, if you lose your phone. They are shown only now.</p>
<ul class="recovery-codes">{{#CODE}}<li><code>{{VALUE}}</code></li>{{/CODE}}</ul>
<p><a href="/">Continue to the portal</a></p></div>{{/RECOVERY}}
{{#ENROL}}{{#REQUIRED}}<p><strong>Your account must sign in with a second factor</strong> (CJIS Security Policy 5.6.2.2) before you can use the portal.</p>{{/REQUIRED}}
<ol>
<li>Open an authenticator app on your phone (any app for time-based codes, RFC 6238) and add an account by scanning this code:
<figure class="qr"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="qr-title" width="{{PIXELS}}" height="{{PIXELS}}" viewBox="0 0 {{SIZE}} {{SIZE}}" shape-rendering="crispEdges"><title id="qr-title">QR code to add this portal to an authenticator app</title><rect width="{{SIZE}}" height="{{SIZE}}" fill="#fff"/><path d="{{PATH}}" fill="#000"/></svg>
<figcaption>Or type this key into the app: <code id="totp-secret">{{SECRET}}</code> (account {{LOGIN}}, time-based, 6 digits, 30 seconds).</figcaption></figure></li>
<li>Enter the code the app shows, to confirm:</li>
</ol>
<form method="post" action="/account/totp" class="form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="f-code">Code from the app</label>
    <input id="f-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="6">
  </div>
  <button type="submit" class="primary">Turn on two-factor sign-in</button>
</form>{{/ENROL}}
</section>
