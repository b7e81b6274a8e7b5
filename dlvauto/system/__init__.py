"""This machine: the processes dlvauto starts and ends, progress on the terminal, the go and dlv tools."""
