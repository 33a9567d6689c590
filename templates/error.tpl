{{%AUTOESCAPE context="HTML"}}<section class="error-page">
<h1>{{HEADING}}</h1>
<p class="status">Error {{STATUS}}</p>
<p class="message">{{MESSAGE}}</p>
{{#CLAUSE}}<p class="clause">Policy: <strong>{{CLAUSE_TEXT}}</strong></p>{{/CLAUSE}}
<p><a href="/">Go to the home page</a>{{#SIGNED_OUT}} or <a href="/login">sign in</a>{{/SIGNED_OUT}}.</p>
</section>
