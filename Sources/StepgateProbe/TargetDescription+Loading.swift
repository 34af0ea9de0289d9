import StepgateCrypto
import Foundation
import StepgateCore
import StepgateCrypto

extension TargetDescription {
    /// The description in the YAML file at `path`, secrets from `environment` where the file
    /// names variables (`password_env`, `totp_secret_env`, `secret_env`).
    ///
    /// - Throws: `TargetFileError` with every problem at once: an unreadable file, YAML the
    ///   reader refuses, an unknown or missing key, a value of the wrong kind, an unset variable.
    ///   Problems do not name `path`; callers put it in front.
    public static func load(path: String, environment: [String: String]) throws(TargetFileError)
        -> TargetDescription
    {
        let limit = YAMLReader().maxBytes
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TargetFileError(problems: ["cannot be read"])
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw TargetFileError(problems: ["cannot be read"])
        }
        return try parse(Array(data), environment: environment)
    }

    /// The description in `bytes` (YAML text); see `load(path:environment:)`.
    public static func parse(_ bytes: [UInt8], environment: [String: String])
        throws(TargetFileError)
        -> TargetDescription
    {
        let root: YAMLNode
        do {
            root = try YAMLReader().read(bytes)
        } catch {
            throw TargetFileError(problems: ["not a usable YAML document: \(error)"])
        }
        var reader = TargetReader(environment: environment)
        let description = reader.read(root)
        guard reader.problems.isEmpty, let description else {
            throw TargetFileError(problems: reader.problems)
        }
        return description
    }
}

/// Walks the YAML tree of a target file, collecting problems instead of stopping at the first.
struct TargetReader {
    let environment: [String: String]
    var problems: [String] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    mutating func read(_ root: YAMLNode) -> TargetDescription? {
        guard mapping(root, "the document", keys: Self.topKeys) != nil else { return nil }
        let top = root
        let issuer = url(top["issuer"], "issuer", required: true)
        let client = readClient(top["client"])
        let ui = choice(top["ui"], "ui", TargetDescription.LoginUI.self) ?? .auto
        let user = readUser(top["user"], "user", required: true)
        let second = readUser(top["second_user"], "second_user", required: false)
        let lockout = readUser(top["lockout_user"], "lockout_user", required: false)
        let levels = readLevels(top["levels"])
        let resources = readResources(top["resources"], levels: levels)
        let lifetime = duration(top["flow_lifetime"], "flow_lifetime")
        let network = readNetwork(top["network"])
        let load = readLoad(top["load"])
        let timeout = duration(top["timeout"], "timeout") ?? 10
        if timeout <= 0 || timeout > 300 {
            problem("timeout", top["timeout"], "expected 1s to 300s")
        }
        guard let issuer, let client, let user, let resources else { return nil }
        if issuer.hasSuffix("/") { problem("issuer", top["issuer"], "expected no trailing slash") }
        return TargetDescription(
            issuer: issuer,
            client: client,
            ui: ui,
            user: user,
            secondUser: second,
            lockoutUser: lockout,
            resources: resources,
            levels: levels,
            flowLifetime: lifetime,
            timeout: timeout,
            network: network,
            load: load
        )
    }

    static let topKeys: Set<String> = [
        "issuer", "client", "ui", "user", "second_user", "lockout_user", "resources", "levels",
        "flow_lifetime", "timeout", "network", "load",
    ]

    private mutating func readClient(_ node: YAMLNode?) -> TargetDescription.Client? {
        guard let node else {
            problems.append("client: missing (id and redirect_uri)")
            return nil
        }
        guard mapping(node, "client", keys: ["id", "redirect_uri", "secret", "secret_env"]) != nil
        else { return nil }
        let id = string(node["id"], "client.id", required: true)
        let redirect = url(node["redirect_uri"], "client.redirect_uri", required: true)
        let secret = secret(node, "client", key: "secret", required: false)
        guard let id, let redirect else { return nil }
        return TargetDescription.Client(id: id, redirectURI: redirect, secret: secret)
    }

    private mutating func readUser(_ node: YAMLNode?, _ path: String, required: Bool)
        -> TargetDescription.User?
    {
        guard let node else {
            if required { problems.append("\(path): missing (username and password)") }
            return nil
        }
        let keys: Set<String> = [
            "username", "password", "password_env", "totp_secret", "totp_secret_env", "webauthn",
            "password_change_url",
        ]
        guard mapping(node, path, keys: keys) != nil else { return nil }
        let username = string(node["username"], "\(path).username", required: true)
        let password = secret(node, path, key: "password", required: true)
        var totp = secret(node, path, key: "totp_secret", required: false)
        if let seed = totp {
            let normalised = seed.revealed.uppercased().filter { $0 != " " }
            if let bytes = Base32.decode(normalised), bytes.count >= 10 {
                totp = Secret(normalised)
            } else {
                problem(
                    "\(path).totp_secret",
                    node["totp_secret"] ?? node["totp_secret_env"],
                    "expected base32 of 10+ bytes"
                )
            }
        }
        let webAuthn =
            choice(node["webauthn"], "\(path).webauthn", TargetDescription.WebAuthnSetup.self)
            ?? .none
        let passwordChange = url(node["password_change_url"], "\(path).password_change_url", required: false)
        guard let username, let password else { return nil }
        return TargetDescription.User(
            username: username,
            password: password,
            totpSecret: totp,
            webAuthn: webAuthn,
            passwordChangeURL: passwordChange
        )
    }

    private mutating func readLevels(_ node: YAMLNode?) -> [String]? {
        guard let node else { return nil }
        var names: [String] = []
        if let elements = node.elements {
            names = elements.compactMap { $0.text }
        } else if let text = node.text {
            names = text.split(separator: " ").map(String.init)
        }
        guard !names.isEmpty, Set(names).count == names.count else {
            problem("levels", node, "expected distinct level names, lowest first")
            return nil
        }
        return names
    }

    private mutating func readResources(_ node: YAMLNode?, levels: [String]?) -> [TargetDescription
        .Resource]?
    {
        guard let node else { return [] }
        guard let elements = node.elements else {
            problem("resources", node, "expected a list")
            return nil
        }
        var resources: [TargetDescription.Resource] = []
        for (index, element) in elements.enumerated() {
            if let resource = readResource(element, "resources[\(index)]", levels: levels) {
                if resources.contains(where: { $0.name == resource.name }) {
                    problem("resources[\(index)].name", element["name"], "used twice")
                }
                resources.append(resource)
            }
        }
        return resources
    }

    private mutating func readResource(_ node: YAMLNode, _ path: String, levels: [String]?)
        -> TargetDescription.Resource?
    {
        let keys: Set<String> = [
            "name", "method", "url", "body", "content_type", "browser", "allowed_status",
            "authorization_details",
            "expects",
        ]
        guard mapping(node, path, keys: keys) != nil else { return nil }
        let name = string(node["name"], "\(path).name", required: true)
        let method = string(node["method"], "\(path).method", required: false) ?? "GET"
        let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        if !methods.contains(method) {
            problem("\(path).method", node["method"], "expected one of \(methods)")
        }
        let url = url(node["url"], "\(path).url", required: true)
        let body = string(node["body"], "\(path).body", required: false)
        let type = string(node["content_type"], "\(path).content_type", required: false)
        let browser = bool(node["browser"], "\(path).browser") ?? false
        let allowed = statuses(node["allowed_status"], "\(path).allowed_status")
        let details = string(
            node["authorization_details"],
            "\(path).authorization_details",
            required: false
        )
        if let details, (try? JSONValue.parse(Array(details.utf8)))?.arrayValue == nil {
            problem(
                "\(path).authorization_details",
                node["authorization_details"],
                "expected a JSON array"
            )
        }
        let expects = readExpectation(node["expects"], "\(path).expects", levels: levels)
        guard let name, let url, let expects else { return nil }
        return TargetDescription.Resource(
            name: name,
            method: method,
            url: url,
            body: body,
            contentType: type,
            browser: browser,
            allowedStatus: allowed,
            authorizationDetails: details,
            expects: expects
        )
    }

    private mutating func readExpectation(_ node: YAMLNode?, _ path: String, levels: [String]?)
        -> TargetDescription.Expectation?
    {
        guard let node else {
            problems.append("\(path): missing (at least acr)")
            return nil
        }
        let keys: Set<String> = ["acr", "max_age", "bound", "other_url", "other_body"]
        guard mapping(node, path, keys: keys) != nil else { return nil }
        let acr = string(node["acr"], "\(path).acr", required: true)
        if let acr, let levels, !levels.contains(acr) {
            problem("\(path).acr", node["acr"], "expected one of the levels \(levels)")
        }
        let maxAge = duration(node["max_age"], "\(path).max_age").map { Int($0) }
        let bound = bool(node["bound"], "\(path).bound") ?? false
        let otherURL = url(node["other_url"], "\(path).other_url", required: false)
        let otherBody = string(node["other_body"], "\(path).other_body", required: false)
        if !bound, otherURL != nil || otherBody != nil {
            problem(
                "\(path).other_url",
                node["other_url"] ?? node["other_body"],
                "only for bound: true"
            )
        }
        guard let acr else { return nil }
        return TargetDescription.Expectation(
            acr: acr,
            maxAge: maxAge,
            bound: bound,
            otherURL: otherURL,
            otherBody: otherBody
        )
    }
}
