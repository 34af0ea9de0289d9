/// The load run after the cases: `plan.users` virtual users, each doing complete step-ups back
/// to back, and checking on every one the invariants a race could break.
///
/// One iteration, in a new client with no cookies: call an API resource above the lowest level
/// with a lowest-level token (it must not be let through) and read its RFC 9470 challenge; sign
/// in with the password and a registered passkey; redeem the code; check the ID token's `acr`
/// against what was asked; call the resource with the new token (it must be let through); and
/// redeem the same code again (it must be refused). Virtual users share the file's users with a
/// passkey in turn.
///
/// Only passkeys answer the second factor: a TOTP code serves one step-up per user per 30 s,
/// so a TOTP load run would measure the clock, not the target. Without a registered passkey or
/// an API resource above the lowest level the run is skipped, with the reason in the report.
struct LoadRun {
    /// What the evidence of load iterations is filed under (the evidence itself is not kept).
    static let info = CaseInfo(
        id: "load",
        title: "Complete step-ups under load",
        category: "load",
        sends: "complete step-ups from concurrent virtual users",
        expects: "no lower-level token let through, every token at the level asked for, every code used once",
        rationale: "a check-then-update race breaks single use and levels only under concurrency"
    )

    /// What every iteration works with, found once before the users start.
    struct Setup: Sendable {
        let users: [ProbeUser]
        let resource: TargetDescription.Resource
        /// An access token at the lowest level, which the resource must refuse.
        let lowToken: String?
        let lowest: String
    }

    let environment: ProbeEnvironment
    let plan: LoadPlan

    /// Runs the load and reports it; a run that cannot start is reported as skipped.
    func run() -> LoadReport {
        let network = environment.network != nil
        let context = CaseContext(info: Self.info, evidence: EvidenceLog(), environment: environment)
        let setup: Setup
        do {
            setup = try prepare(context)
        } catch let skip as CaseSkipped {
            return .skipped(plan, reason: environment.redactor.text(skip.reason), network: network)
        } catch {
            let reason = "the load run could not be set up: \(Self.describe(error))"
            return .skipped(plan, reason: environment.redactor.text(reason), network: network)
        }
        let driver = LoadDriver(plan: plan)
        do {
            let result = try driver.run(perUser: { user in { iteration(setup, user: user) } })
            return LoadReport(plan: plan, resource: setup.resource.name, network: network, result: result)
        } catch {
            return .skipped(plan, reason: "the load driver could not start: \(error.code)", network: network)
        }
    }

    private func prepare(_ context: CaseContext) throws -> Setup {
        let lowest = try context.lowestLevel()
        let candidates = context.target.resources.filter { !$0.browser && $0.expects.acr != lowest }
        guard let resource = candidates.first(where: { !$0.expects.bound }) ?? candidates.first else {
            throw CaseSkipped("no API resource (browser: false) asks for more than \(lowest)")
        }
        var users: [ProbeUser] = []
        for user in environment.users where user.webAuthn != nil {
            try environment.prepare(user, context.evidence)
            if user.webAuthn?.isRegistered == true { users.append(user) }
        }
        guard !users.isEmpty else {
            throw CaseSkipped(
                "no user has webauthn: register; a TOTP code serves one step-up per user per 30 s, "
                    + "which would measure the clock, not the target"
            )
        }
        let session = try context.sharedSession(level: lowest)
        let lowToken = try context.tokens(session, try context.oidc().parameters(acr: lowest)).accessToken
        return Setup(users: users, resource: resource, lowToken: lowToken, lowest: lowest)
    }

    /// One complete step-up by virtual user `user`; never throws.
    private func iteration(_ setup: Setup, user: Int) -> LoadSample {
        let context = CaseContext(info: Self.info, evidence: EvidenceLog(limit: 0), environment: environment)
        do {
            return try stepUp(context, setup, as: setup.users[user % setup.users.count], label: "load user \(user)")
        } catch let error as ProbeError {
            return .failure(error.code.rawValue)
        } catch is CaseSkipped {
            return .failure("skipped")
        } catch {
            return .failure("failed")
        }
    }

    private func stepUp(_ context: CaseContext, _ setup: Setup, as user: ProbeUser, label: String) throws
        -> LoadSample
    {
        let resource = setup.resource
        let session = context.session(label)
        var broken: [String] = []
        var first = try context.request(resource, in: session, bearer: setup.lowToken)
        if first.isAllowed {
            return LoadSample(
                outcome: .failure(kind: "allowed_with_low_token"),
                invariantBroken: "\(resource.name) let a request through with a \(setup.lowest) token"
            )
        }
        if case .challenged = first {} else { first = try context.request(resource, in: session) }
        guard case .challenged(let requirement, let response) = first else {
            return .failure(first.isAllowed ? "allowed_without_token" : "no_challenge_\(first.response.status)")
        }

        let parameters = try context.parameters(answering: requirement, response, for: resource)
        let callback = try environment.signIn(session, user, parameters, context.evidence, preference: [.webAuthn])
        guard let code = callback.code else { return .failure("no_code") }
        let oidc = try context.oidc()
        let redeemed = try oidc.redeem(session, code: code, verifier: parameters.codeVerifier)
        guard let tokens = redeemed.tokens else { return .failure("token_\(redeemed.status)") }

        let identity = try oidc.verifyIDToken(tokens, nonce: parameters.nonce, session: session)
        let asked = try requirement.acrValues.compactMap { try context.rank($0) }.min() ?? 0
        let needed = max(asked, try context.rank(resource.expects.acr) ?? 0)
        if (try context.rank(identity.acr) ?? -1) < needed {
            broken.append("a step-up to \(try context.levels()[needed]) gave a token at \(identity.acr ?? "no acr")")
        }
        let again = try context.request(resource, in: session, bearer: tokens.accessToken)
        let replay = try oidc.redeem(session, code: code, verifier: parameters.codeVerifier, note: "replay the code")
        if replay.tokens != nil { broken.append("an authorization code was redeemed twice") }

        let outcome: LoadSample.Outcome =
            again.isAllowed ? .success : .failure(kind: "refused_after_step_up_\(again.response.status)")
        return LoadSample(outcome: outcome, invariantBroken: broken.isEmpty ? nil : broken.joined(separator: "; "))
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? ProbeError { return error.description }
        if let failure = error as? CaseFailed { return failure.reason }
        return "\(type(of: error))"
    }
}
