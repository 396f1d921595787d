"""The review layer: the semantic comparison of two revisions (`diff`), the change report for
OSO (`changereport`) and the gate with the rules that compare with a base (`gate`)."""
