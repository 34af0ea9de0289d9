import Foundation
import StepgateCore
import StepgateCrypto
import StepgateServer
import StepgateStore

/// Fills a store for `make bench` and `scripts/soak.sh` faster than sign-ins through the server:
/// users with one shared TOTP seed, and signed-in `aal1` sessions.
///
/// It opens the store as `stepgate serve --data DIR` would (the environment's `STEPGATE_*`
/// settings apply, `STEPGATE_DATABASE` included), so it can run beside a live server. Nothing
/// secret is printed: the password comes on standard input, cookies go to a file of mode 0600.
enum StoreSeeder {
    /// `seed users DIR COUNT PREFIX SECRET`: users PREFIX0000 … with the password read from
    /// standard input (hashed at the configured `password.*` cost) and a TOTP factor whose seed
    /// is the base32 SECRET, the same for all.
    ///
    /// `seed sessions DIR COUNT USER FILE SAMPLE`: COUNT sessions of USER, signed in with a
    /// password now (`aal1`) and valid for a day; the cookies of the first SAMPLE go to FILE, one
    /// `stepgate_session=…` per line.
    static func run(_ arguments: [String]) throws {
        guard arguments.count >= 3, let count = Int(arguments[2]), count > 0 else { throw SeedError.usage }
        let directory = arguments[1]
        let configuration = try ServerConfiguration.load(
            ServerConfiguration.Sources(
                environment: ProcessInfo.processInfo.environment,
                flags: ["data_dir": directory]
            )
        )
        let (store, masterKey) = try Service.open(configuration)
        switch arguments[0] {
        case "users" where arguments.count == 5:
            guard let secret = Base32.decode(arguments[4]) else { throw SeedError.usage }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else { throw SeedError.usage }
            let admin = Admin(configuration: configuration, store: store, masterKey: masterKey)
            for number in 0..<count {
                let name = arguments[3] + String(format: "%04d", number)
                try admin.addUser(name: name, password: password)
                _ = try admin.addTOTP(userName: name, secret: secret)
            }
        case "sessions" where arguments.count == 6:
            guard let sample = Int(arguments[5]), let user = try store.user(name: arguments[3]) else {
                throw SeedError.usage
            }
            try seedSessions(store: store, count: count, userID: user.id, file: arguments[4], sample: sample)
        default:
            throw SeedError.usage
        }
    }

    private static func seedSessions(store: any Store, count: Int, userID: String, file: String, sample: Int) throws {
        let random = SystemRandom()
        let now = Date()
        var cookies = ""
        for number in 0..<count {
            let sessionID = random.token(byteCount: 32)
            try store.insertSession(
                SessionRecord(
                    idHash: SecretHash.hash(sessionID),
                    userID: userID,
                    createdAt: now,
                    lastSeenAt: now,
                    expiresAt: now.addingTimeInterval(86_400),
                    events: [SessionEventRecord(method: "pwd", time: now, level: "aal1")]
                )
            )
            if number < sample { cookies += "stepgate_session=\(sessionID)\n" }
        }
        let attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
        guard FileManager.default.createFile(atPath: file, contents: Data(cookies.utf8), attributes: attributes) else {
            throw SeedError.write
        }
    }

    enum SeedError: Error, CustomStringConvertible {
        case usage
        case write

        var description: String {
            switch self {
            case .usage:
                "usage: stepgate-bench seed users DIR COUNT PREFIX SECRET (password on stdin)"
                    + " | seed sessions DIR COUNT USER FILE SAMPLE"
            case .write: "seed: cannot write the cookie file"
            }
        }
    }
}
