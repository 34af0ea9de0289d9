import FuzzSupport
import StepgateProbe

/// `HTMLFormReader.forms(in:)` on arbitrary text (pages come from the target): bounded
/// results, every field named, methods normalised; and the redactor over the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProbeHTML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    let forms = HTMLFormReader.forms(in: text)
    require(forms.count <= HTMLFormReader.maxForms, "more forms than the limit")
    for form in forms {
        require(form.fields.count <= HTMLFormReader.maxFields, "more fields than the limit")
        require(form.buttons.count <= HTMLFormReader.maxFields, "more buttons than the limit")
        require(form.method == "GET" || form.method == "POST", "a method other than GET or POST")
        require(form.fields.allSatisfy { !$0.name.isEmpty }, "a field without a name")
        require(form.submission.count <= form.fields.count, "a submission longer than the fields")
    }
    let redactor = Redactor(secrets: ["fuzz-secret-value"])
    let excerpt = redactor.body(Array(text.utf8), contentType: "text/html") ?? ""
    require(!excerpt.contains("fuzz-secret-value"), "a registered secret survived redaction")
    require(excerpt.utf8.count <= Redactor.excerptLimit + 3, "an excerpt over the limit")
    return 0
}
