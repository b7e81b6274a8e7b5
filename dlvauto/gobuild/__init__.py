"""Building the program to debug: profiles, the content-keyed cache, the facts of the build."""
