"""Regex labs are graded with RE2 from now on. This checks every saved pattern with it.

A pattern RE2 cannot run (a backreference, lookaround) is listed on the migration's output
with its lab and RE2's reason, and left as it is: the lab answers 503 lab_runner_unavailable
(reason not_supported, check pattern; nothing charged) until an admin saves an RE2 pattern for it.
Rewriting an admin's pattern here could grade students against a rule nobody wrote, and
failing the migration would hold back every other change of the release for one lab.
"""

import sys

from django.db import migrations

from config.patterns import PatternUnsupported, pattern_compile


def lab_patterns_check(apps, schema_editor):
    Lab = apps.get_model("guru", "Lab")
    regex_labs = Lab.objects.filter(validation_type="regex").order_by("pk")
    for lab_id, title, pattern in regex_labs.values_list("pk", "title", "expected_pattern"):
        try:
            pattern_compile(pattern)
        except PatternUnsupported as exc:
            sys.stdout.write(
                f"\n  lab {lab_id} ({title!r}): its pattern is not RE2 ({exc}); it cannot be "
                "graded until an admin saves a new pattern"
            )


class Migration(migrations.Migration):
    dependencies = [("guru", "0008_admin_session_credentials_version")]

    operations = [migrations.RunPython(lab_patterns_check, migrations.RunPython.noop)]
