"""The read-only web pages: a group's week (and calendar feeds), served inside `minga run`."""
