"""``rocm.bindings.llvm.config``: facts of the LLVM this wheel's comgr is built on (``llvm_config``)."""
