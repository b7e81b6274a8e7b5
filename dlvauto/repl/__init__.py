"""The REPL backend: dlv's own interactive terminal, driven the way a person types into it.

Split like pygdbmi: `parse` reads what dlv prints (pure), `terminal` talks to the pty (prompt,
questions, timeouts, the transcript), `process` starts and ends dlv in a pty of its own (through
`dlvauto.system.proc`), and `state` types the commands and turns their replies into snapshot parts.
"""
