{{%AUTOESCAPE context="HTML"}}<section class="narrow">
<h1>Sign in: your code</h1>
<p>Your password was right. Now enter the 6-digit code your authenticator app shows for this portal, or one of your recovery codes.</p>
{{#CODE_ERROR}}<div class="error-summary" role="alert"><p>{{MESSAGE}}</p></div>{{/CODE_ERROR}}
<form method="post" action="/login/code" class="form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="f-code">Code</label>
    <input id="f-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required maxlength="20">
  </div>
  <button type="submit" class="primary">Sign in</button>
</form>
<p class="hint">Lost your phone? Use a recovery code, or ask an administrator to reset your second factor.</p>
</section>
