"""The review layer: the semantic comparison of two revisions (`diff`, the entry point, with
its parts in `matching`, `describers/`, `impact` and `verdict`), the change report for OSO
(`changereport`) and the gate with the rules that compare with a base (`gate`)."""
