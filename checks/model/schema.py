"""JSON Schema validation that reports findings at the offending node.

The fast validator (jsonschema-rs) decides whether a document is valid; only a document
that fails is explained with the reference validator, whose errors carry the keyword and
the path that we turn into a position and a Norwegian message.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path


from .findings import ERROR, path_text, rule
from .loader import Document


BASE_URI = "https://samhandling.invalid/schemas/"
KINDS = ("agreement", "party", "message-type", "chain", "routine", "decision", "setting", "scenario", "situation",
         "role", "glossary")
KIND_NB = {
    "agreement": "avtale", "party": "part", "message-type": "meldingstype",
    "chain": "meldingskjede", "routine": "rutine", "decision": "vedtak", "setting": "innstilling",
    "scenario": "scenario", "situation": "situasjon", "role": "rolle på vakt", "glossary": "ordliste",
}

R_REQUIRED = rule("schema.required", ERROR, "Påkrevd felt mangler",
    """Et felt skjemaet krever, mangler. Funnet peker på tabellen feltet skal stå i.""")
R_UNKNOWN_KEY = rule("schema.unknown-key", ERROR, "Ukjent felt",
    """Feltet finnes ikke i skjemaet. Skrivefeil fanges slik i stedet for å bli stille
    oversett. Tipset foreslår nærmeste gyldige felt.""")
R_ENUM = rule("schema.enum", ERROR, "Ugyldig verdi",
    """Verdien er ikke blant de tillatte. Tipset foreslår nærmeste tillatte verdi.""")
R_TYPE = rule("schema.type", ERROR, "Feil type",
    """Verdien har feil type, for eksempel et tall der skjemaet krever tekst. `yes`, `no`,
    `on` og `off` er tekst i dette depotet; skriv `true` eller `false` for sannhetsverdier.""")
R_FORMAT = rule("schema.format", ERROR, "Feil form",
    """Verdien har ikke formen skjemaet krever (mønster, dato eller lignende).""")
R_SIZE = rule("schema.size", ERROR, "Feil lengde eller antall",
    """Teksten er for kort eller for lang, eller listen har for få eller for mange elementer.""")
R_UNIQUE = rule("schema.unique", ERROR, "Gjentatt element",
    """Listen skal ikke inneholde samme element to ganger.""")
R_CHOICE = rule("schema.choice", ERROR, "Ingen eller flere alternativer passer",
    """Verdien skal passe med nøyaktig ett (oneOf) eller minst ett (anyOf) alternativ i
    skjemaet. Funnet viser den mest relevante feilen og sier hvor mange flere det er.""")
R_OTHER = rule("schema.other", ERROR, "Brudd på skjemaet",
    """Verdien bryter et annet krav i skjemaet.""")
R_DISAGREE = rule("schema.validators-disagree", ERROR, "Validatorene er uenige",
    """Den raske validatoren (jsonschema-rs) avviser dokumentet, men referansevalidatoren
    (jsonschema) finner ingen feil. Dokumentet regnes da som ugyldig: sjekken feiler lukket,
    aldri åpen. Det skyldes som regel et tegn som de to leser ulikt, for eksempel et linjeskift
    til slutt i en verdi (`"tekst\\n"`) eller et uvanlig mellomrom.""")

TYPE_NB = {
    "string": "tekst", "integer": "heltall", "number": "tall", "boolean": "sannhetsverdi (true/false)",
    "object": "tabell (nøkkel: verdi)", "array": "liste", "null": "tom verdi",
}


def type_nb(value) -> str:
    if value is None:
        return "tom verdi"
    if isinstance(value, bool):
        return "sannhetsverdi"
    if isinstance(value, int):
        return "heltall"
    if isinstance(value, float):
        return "tall"
    if isinstance(value, str):
        return "tekst"
    if isinstance(value, dict):
        return "tabell"
    return "liste"


def show(value, limit: int = 60) -> str:
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    text = text.replace("`", "'").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def did_you_mean(word, choices) -> str:
    if not isinstance(word, str):
        return ""
    import difflib  # only when a hint is written (a pre-commit hook with no findings never needs it)
    match = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"mente du `{match[0]}`?" if match else ""


class SchemaSet:
    """The JSON Schemas of one repository, compiled once per kind."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._read({path.name: path.read_bytes() for path in sorted(self.directory.glob("*.schema.json"))})

    @classmethod
    def from_texts(cls, texts: dict) -> "SchemaSet":
        """A schema set from file name -> JSON text (str or bytes), e.g. read at a git revision."""
        self = cls.__new__(cls)
        self.directory = None
        self._read({name: text.encode("utf-8") if isinstance(text, str) else text for name, text in texts.items()})
        return self

    def _read(self, sources: dict) -> None:
        self._sources = sources  # file name -> bytes, for the digest
        self.raw: dict[str, dict] = {}
        for name in sorted(sources):
            schema = json.loads(sources[name].decode("utf-8"))
            self.raw[name] = {**schema, "$id": BASE_URI + name}

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the schema files, by name and bytes (part of the key of check's per-file
        cache; each `$id` follows from the name)."""
        import hashlib
        h = hashlib.sha256()
        for name in sorted(self._sources):
            h.update(name.encode("utf-8", "surrogatepass") + b"\0" + self._sources[name] + b"\0")
        return h.hexdigest()

    @cached_property
    def registry(self):
        from referencing import Registry, Resource  # only needed to explain a failure
        return Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in ((s["$id"], s) for s in self.raw.values()))

    @cached_property
    def _reference(self) -> dict:
        import jsonschema  # the reference validator explains; the fast one decides
        return {
            kind: jsonschema.Draft202012Validator(
                self.raw[f"{kind}.schema.json"], registry=self.registry,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            for kind in KINDS if f"{kind}.schema.json" in self.raw
        }

    @cached_property
    def _fast_registry(self):
        try:  # imported when the first file is validated (a check served from its cache never is)
            import jsonschema_rs
        except ImportError:  # pragma: no cover - the reference validator alone still works
            return None
        return jsonschema_rs, jsonschema_rs.Registry([(s["$id"], s) for s in self.raw.values()])

    def _fast(self, kind: str):
        """The compiled fast validator of one kind, built when a file of that kind is first
        validated (a check that reads one changed file compiles one schema)."""
        validators = self.__dict__.setdefault("_fast_validators", {})
        if kind not in validators:
            found = self._fast_registry
            name = f"{kind}.schema.json"
            validators[kind] = None if found is None or name not in self.raw else found[0].validator_for(
                self.raw[name], registry=found[1], validate_formats=True)
        return validators[kind]

    def validate(self, kind: str, doc: Document) -> list:
        fast = self._fast(kind)
        if fast is not None and fast.is_valid(doc.data):
            return []
        errors = sorted(self._reference[kind].iter_errors(doc.data),
                        key=lambda e: (list(map(str, e.absolute_path)), e.validator))
        findings = []
        for error in errors:
            findings.extend(explain(error, doc))
        if not findings and fast is not None:
            findings.append(_disagreement(fast, doc))
        return findings


def _disagreement(fast, doc: Document):
    """The finding when the fast validator rejects what the reference validator accepts: the
    document is invalid (fail closed), pointed at the node the fast validator objects to."""
    error = next(iter(fast.iter_errors(doc.data)), None)
    path = tuple(error.instance_path) if error is not None else ()
    where = f" i `{path_text(path)}`" if path else ""
    value = f" (verdien `{show(error.instance)}`)" if error is not None and not isinstance(
        error.instance, (dict, list)) else ""
    return R_DISAGREE.at(doc.file, doc.position(path),
        f"Skjemavalideringen er usikker{where}{value}: den raske validatoren avviser dokumentet, "
        "men referansevalidatoren finner ingen feil.",
        "Se etter linjeskift til slutt i verdien, kontrolltegn eller uvanlige mellomrom, og skriv "
        "verdien enkelt.", path)


def _hidden(n: int) -> str:
    return f" ({n} andre mulige feil er skjult.)" if n else ""


def explain(error, doc: Document, hidden: int = 0) -> list:
    """Turn one jsonschema error into findings at the right node, in Norwegian."""
    path = tuple(error.absolute_path)
    kw = error.validator
    value = error.instance
    file = doc.file
    pos = doc.position(path)
    where = f" i `{path_text(path)}`" if path else ""
    schema = error.schema if isinstance(error.schema, dict) else {}

    alternatives = error.validator_value if kw in ("oneOf", "anyOf") else None
    if alternatives and all(isinstance(a, dict) and set(a) == {"required"} and len(a["required"]) == 1
                            for a in alternatives):
        names = [a["required"][0] for a in alternatives]
        present = [n for n in names if isinstance(value, dict) and n in value]
        listed = ", ".join(f"`{n}`" for n in names)
        if present:
            message = f"Oppgi bare ett av {listed}{where}, ikke " + " og ".join(f"`{n}`" for n in present) + "."
        else:
            message = f"Oppgi ett av {listed}{where}."
        return [R_CHOICE.at(file, pos, message, "", path)]
    if kw in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match
        best = best_match([error])  # descends into the alternative whose type fits the value
        if best is not None and best is not error:
            return explain(best, doc, hidden + len(error.context) - 1)
    if kw == "oneOf":  # valid under more than one alternative (required-only ones are named above)
        return [R_CHOICE.at(file, pos, f"Verdien{where} passer med mer enn ett alternativ.{_hidden(hidden)}",
                            "Fjern det som er for mye.", path)]
    if kw == "required":
        missing = [m for m in error.validator_value if isinstance(value, dict) and m not in value]
        out = []
        for name in missing:
            prop = schema.get("properties", {}).get(name, {})
            title = f" ({prop['title']})" if prop.get("title") else ""
            help_text = prop.get("description", "")
            out.append(R_REQUIRED.at(file, pos, f"Påkrevd felt `{name}`{title} mangler{where}.{_hidden(hidden)}",
                                     help_text, path))
        return out
    if kw in ("additionalProperties", "unevaluatedProperties"):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in (value or {}) if k not in allowed]
        out = []
        for key in extra:
            suggestion = did_you_mean(key, allowed)
            hint = suggestion.capitalize() if suggestion else (
                "Tillatte felt: " + ", ".join(f"`{a}`" for a in allowed) + ".")
            out.append(R_UNKNOWN_KEY.at(file, doc.key_position(path + (key,)),
                                        f"Ukjent felt `{key}`{where}.{_hidden(hidden)}", hint, path + (key,)))
        return out
    if kw == "enum":
        choices = error.validator_value
        suggestion = did_you_mean(value, choices)
        allowed = ", ".join(f"`{show(c)}`" for c in choices)
        hint = (suggestion.capitalize() + " " if suggestion else "") + f"Tillatte verdier: {allowed}."
        return [R_ENUM.at(file, pos, f"Ugyldig verdi `{show(value)}`{where}.{_hidden(hidden)}", hint, path)]
    if kw == "const":
        return [R_ENUM.at(file, pos, f"Verdien{where} må være `{show(error.validator_value)}`, ikke "
                          f"`{show(value)}`.{_hidden(hidden)}", "", path)]
    if kw == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        wanted = " eller ".join(TYPE_NB.get(t, t) for t in expected)
        hint = ""
        if "boolean" in expected and isinstance(value, str) and value.lower() in (
                "yes", "no", "on", "off", "y", "n", "ja", "nei"):
            hint = f"`{value}` er tekst her. Skriv `true` eller `false`."
        elif "string" in expected and isinstance(value, (int, float, bool)):
            hint = f"Sett verdien i anførselstegn: `\"{show(value)}\"`."
        return [R_TYPE.at(file, pos, f"Feil type{where}: forventet {wanted}, fant {type_nb(value)} "
                          f"`{show(value)}`.{_hidden(hidden)}", hint, path)]
    if kw == "pattern":
        return [R_FORMAT.at(file, pos, f"Verdien `{show(value)}`{where} har feil form.{_hidden(hidden)}",
                            _form_hint(schema, error.validator_value), path)]
    if kw == "format":
        fmt = error.validator_value
        text = {"date": "en gyldig dato (ÅÅÅÅ-MM-DD)"}.get(fmt, f"på formen `{fmt}`")
        return [R_FORMAT.at(file, pos, f"Verdien `{show(value)}`{where} er ikke {text}.{_hidden(hidden)}",
                            "", path)]
    if kw in ("minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"):
        limit = error.validator_value
        noun = "elementer" if "Items" in kw else "tegn" if "Length" in kw else "felt"
        if kw.startswith("min"):
            message = f"For få {noun}{where}: minst {limit}, fant {len(value)}."
            hint = "Fyll inn verdien." if kw == "minLength" and limit == 1 else ""
        else:
            message = f"For mange {noun}{where}: høyst {limit}, fant {len(value)}."
            hint = "Del teksten opp eller kort den ned." if noun == "tegn" else ""
        return [R_SIZE.at(file, pos, message + _hidden(hidden), hint, path)]
    if kw == "uniqueItems":
        return [R_UNIQUE.at(file, pos, f"Listen{where} inneholder samme element flere ganger.{_hidden(hidden)}",
                            "Fjern gjentakelsene.", path)]
    if kw in ("oneOf", "anyOf"):
        return [R_CHOICE.at(file, pos, f"Verdien{where} passer ikke med noe alternativ.{_hidden(hidden)}",
                            "", path)]
    return [R_OTHER.at(file, pos, f"Brudd på skjemaet{where} ({kw}): {error.message}{_hidden(hidden)}", "", path)]


def _form_hint(schema: dict, pattern: str) -> str:
    described = schema.get("description")
    if described:
        return described
    return f"Verdien må passe med mønsteret `{pattern}`."


