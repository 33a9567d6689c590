{{%AUTOESCAPE context="HTML"}}<section class="narrow">
<h1>Sign in</h1>
<p>For outside agencies asking for aid, and for the department's members.</p>
{{#NOTICE}}<section class="notice system-use" aria-labelledby="system-use-title"><h2 id="system-use-title">System use notice</h2><p>{{TEXT}}</p></section>{{/NOTICE}}
{{#LOGIN_ERROR}}<div class="error-summary" role="alert"><p>{{MESSAGE}}</p></div>{{/LOGIN_ERROR}}
<form method="post" action="/login" class="form">
  <input type="hidden" name="csrf" value="{{CSRF}}">
  <div class="field">
    <label for="f-login">Login</label>
    <input id="f-login" name="login" type="text" value="{{LOGIN}}" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64">
  </div>
  <div class="field">
    <label for="f-password">Password</label>
    <input id="f-password" name="password" type="password" autocomplete="current-password" required maxlength="256">
  </div>
  <button type="submit" class="primary">Sign in</button>
</form>
<p class="hint">After 5 failed attempts in a row from one place, sign-in for that login pauses for 10 minutes, then longer. Sessions end after 30 minutes without activity, and after 12 hours in any case.</p>
</section>
