{{%AUTOESCAPE context="HTML"}}<section class="narrow">
<h1>Change your password</h1>
{{#MUST}}<p><strong>An administrator set your password.</strong> Choose your own now, before anything else.</p>{{/MUST}}
{{#MESSAGE_BOX}}<div class="error-summary" role="alert"><p>{{MESSAGE}}</p></div>{{/MESSAGE_BOX}}
<form method="post" action="/account/password" class="form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="f-current">Current password</label>
    <input id="f-current" name="current" type="password" autocomplete="current-password" required maxlength="256">
  </div>
  <div class="field">
    <label for="f-new">New password</label>
    <p class="hint" id="f-new-hint">At least {{MIN}} characters; no other rules. A passphrase of several unrelated words is long and easy to remember. Common passwords and ones made of your login or name are refused.</p>
    <input id="f-new" name="password" type="password" autocomplete="new-password" required maxlength="256" aria-describedby="f-new-hint">
  </div>
  {{#CODE}}<div class="field">
    <label for="f-code">Code from your authenticator app</label>
    <input id="f-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required maxlength="20">
  </div>{{/CODE}}
  <button type="submit" class="primary">Change the password</button>
</form>
<p class="hint">Changing your password signs you out everywhere else.</p>
</section>
