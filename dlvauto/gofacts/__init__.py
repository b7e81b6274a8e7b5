"""Go facts read from files, without dlv: ELF/DWARF and build info, core files, the compiler's
inlining diagnostics, the runtime's crash text and its function names."""
