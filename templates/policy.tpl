{{%AUTOESCAPE context="HTML"}}<h1>The mutual aid policy in force</h1>
<p class="lead">{{DEPARTMENT_NAME}} — <strong>{{PRESET}}</strong>. Every refusal, approval and notification of this portal names the rule below that caused it: its clause, or, where the department adds a rule of its own, "Department rule" and why.</p>
{{#GROUP}}<section class="policy-group">
<h2>{{GROUP_TITLE}}</h2>
<ul class="rules">
{{#RULE}}<li id="rule-{{ID}}"><span class="clause{{#DEPARTMENT_RULE}} department{{/DEPARTMENT_RULE}}">{{CLAUSE}}</span> {{SUMMARY}}
<br><span class="hint">Rule {{ID}} · applies to {{#ALL_KINDS}}every request{{/ALL_KINDS}}{{#APPLIES}}{{KIND_LABEL}}{{#APPLIES_separator}}, {{/APPLIES_separator}}{{/APPLIES}}</span></li>{{/RULE}}
</ul>
</section>{{/GROUP}}
