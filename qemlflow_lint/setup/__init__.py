"""``qemlflow-lint init``: the text edits of a project's configuration files, and the plan
that decides which file each tool reads."""
