{{%AUTOESCAPE context="HTML"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · {{DEPARTMENT}} · Mutual Aid</title>
<link rel="stylesheet" href="/static/portal.css">
<script src="/static/draft.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <div class="brand">
    <span class="badge" aria-hidden="true">★</span>
    <span><strong>{{DEPARTMENT}}</strong><br><span class="sub">Mutual Aid Portal</span></span>
  </div>
  {{#SIGNED_IN}}
  <div class="who">
    <span><a href="/account" title="Your account: sessions, two-factor sign-in, password">{{ME_NAME}}</a> · {{ME_ROLE}}</span>
    <form method="post" action="/logout" class="inline">
      <input type="hidden" name="csrf" value="{{CSRF}}">
      <button type="submit" class="link">Sign out</button>
    </form>
  </div>
  {{/SIGNED_IN}}
</header>
{{#SIGNED_IN}}
<nav class="main-nav" aria-label="Main">
  <ul>
  {{#NAV}}<li><a href="{{HREF}}"{{#CURRENT}} aria-current="page"{{/CURRENT}}>{{LABEL}}{{#COUNT}} <span class="count">{{UNREAD}}</span><span class="visually-hidden"> unacknowledged</span>{{/COUNT}}</a></li>{{/NAV}}
  </ul>
</nav>
{{/SIGNED_IN}}
<main id="main">
{{BODY:none}}
</main>
<footer class="foot">
  <p>Requests, approvals and notifications follow the department's written mutual aid policy{{#POLICY_TITLE}}: {{POLICY_TITLE_TEXT}}{{/POLICY_TITLE}}.</p>
</footer>
</body>
</html>
