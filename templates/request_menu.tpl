{{%AUTOESCAPE context="HTML"}}<h1>New request</h1>
<p>Choose what kind of request to file. Only the kinds the department's policy lets you file are listed.</p>
<ul class="cards">
{{#KIND}}<li class="card"><h2><a href="/requests/new?kind={{ID}}">{{LABEL}}</a></h2><p>{{DESCRIPTION}}</p>{{#CLAUSE}}<p class="clause">{{CLAUSE}}</p>{{/CLAUSE}}</li>{{/KIND}}
</ul>
