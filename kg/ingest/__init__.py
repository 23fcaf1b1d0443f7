"""Into the store: one article (`article`) and many (`bulk`) through the same steps —
resolution against what the store knows (`resolve`), mapping, SHACL, one atomic write —
and the derived graph of conflicting figures (`conflicts`)."""
