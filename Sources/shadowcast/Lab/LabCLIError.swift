/// An input problem of `lab`/`compare` reported as `Error: …` without the usage text.
struct LabCLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
