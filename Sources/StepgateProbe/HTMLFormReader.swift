/// Finds the forms of an HTML page: tolerant of real HTML (unclosed elements, any attribute
/// quoting, comments, scripts), strict in what it returns, and bounded, since pages come from
/// the target and are untrusted bytes.
///
/// Only what the probe needs is read: `form` elements with their attributes; `input`,
/// `select` (with its selected `option`) and `textarea` fields that have a name; `button`s and
/// submit inputs. Fields outside a form are ignored; a `form` opened inside another closes the
/// first (as browsers do).
public enum HTMLFormReader {
    /// Most bytes of a page read; the rest is ignored.
    public static let maxBytes = 1 << 20
    /// Most forms returned.
    public static let maxForms = 64
    /// Most fields and buttons kept per form.
    public static let maxFields = 256

    /// The forms of `html`, in document order.
    public static func forms(in html: String) -> [HTMLForm] {
        var scanner = HTMLScanner(Array(html.utf8.prefix(maxBytes)))
        var forms: [HTMLForm] = []
        var current: HTMLForm?
        var select: (name: String, attributes: [String: String], options: [(String, Bool)])?

        func finishSelect() {
            guard let open = select else { return }
            select = nil
            let chosen = open.options.first { $0.1 }?.0 ?? open.options.first?.0 ?? ""
            add(field(open.name, chosen, type: "select", open.attributes))
        }
        func add(_ field: HTMLForm.Field) {
            guard current != nil, current?.fields.count ?? 0 < maxFields else { return }
            current?.fields.append(field)
        }
        func add(_ button: HTMLForm.Button) {
            guard current != nil, current?.buttons.count ?? 0 < maxFields else { return }
            current?.buttons.append(button)
        }
        func close() {
            finishSelect()
            if let form = current, forms.count < maxForms { forms.append(form) }
            current = nil
        }

        while let tag = scanner.nextTag() {
            let attributes = tag.attributes
            switch (tag.name, tag.isEnd) {
            case ("form", false):
                close()
                current = HTMLForm(attributes: attributes, fields: [], buttons: [])
            case ("form", true):
                close()
            case ("input", false):
                let type = attributes["type"]?.lowercased() ?? "text"
                if type == "submit" || type == "image" {
                    add(
                        HTMLForm.Button(
                            name: attributes["name"],
                            value: attributes["value"],
                            type: type,
                            text: ""
                        )
                    )
                } else if let name = attributes["name"], !name.isEmpty {
                    add(field(name, attributes["value"] ?? "", type: type, attributes))
                }
            case ("button", false):
                let text = scanner.rawText(until: "button")
                add(
                    HTMLForm.Button(
                        name: attributes["name"],
                        value: attributes["value"],
                        type: attributes["type"]?.lowercased() ?? "submit",
                        text: HTMLText.visible(text)
                    )
                )
            case ("select", false):
                finishSelect()
                if let name = attributes["name"], !name.isEmpty { select = (name, attributes, []) }
            case ("select", true):
                finishSelect()
            case ("option", false):
                let text = HTMLText.visible(scanner.textBeforeNextTag())
                if select != nil, select?.options.count ?? 0 < maxFields {
                    select?.options.append(
                        (attributes["value"] ?? text, attributes["selected"] != nil)
                    )
                }
            case ("textarea", false):
                let text = HTMLText.decode(scanner.rawText(until: "textarea"))
                if let name = attributes["name"], !name.isEmpty {
                    add(field(name, text, type: "textarea", attributes))
                }
            case ("script", false), ("style", false):
                _ = scanner.rawText(until: tag.name)
            default:
                break
            }
        }
        close()
        return forms
    }

    private static func field(
        _ name: String,
        _ value: String,
        type: String,
        _ attributes: [String: String]
    )
        -> HTMLForm.Field
    {
        let tokens = (attributes["autocomplete"] ?? "").lowercased().split(whereSeparator: {
            $0 == " " || $0 == "\t"
        })
        return HTMLForm.Field(
            name: name,
            value: value,
            type: type,
            autocomplete: tokens.map(String.init),
            attributes: attributes
        )
    }
}
