/// Help texts: the command-line interface that users and scripts rely on.
enum Help {
    static let version = "0.1.0"

    static let commonFlags = """
          --config FILE   configuration file (key = value lines; see docs/configuration.md)
          --data DIR      data folder: database and master key (default ./data)
          --help          show this help
        """

    static let main = """
        usage: stepgate COMMAND [options]

        commands:
          serve                      run the OpenID Connect provider
          user add NAME              add a user; the password is read from standard input
          user password NAME         set a user's password (standard input); ends the user's sessions
          user disable NAME          disable a user
          factor add NAME totp       enrol a TOTP factor; prints the otpauth:// URI
          client add ID --redirect-uri URI [--public | --secret-stdin] [--dpop]
                                     register an OAuth client
          keys rotate                make a new signing key current
          migrate                    bring the database schema up to date, then exit
          audit verify               check the audit log's hash chain; names the first broken record
          audit tail [-n N]          print the last N audit records (default 20) as JSON lines
          policy check FILE          validate a policy file; every problem with its line
          policy test FILE CASES     run a file of expected decisions against a policy
          policy explain FILE K=V... why a described request gets its decision (what-if)
          notify test --channel C --to R
                                     send one test message through the outbox (check delivery settings)
          probe --target FILE        attack a step-up deployment with the probe's cases; reports what held
          version                    print the version

        Every command but probe takes --config FILE and --data DIR; every command takes --help.
        """

    static let serve = """
        usage: stepgate serve [--config FILE] [--listen HOST:PORT] [--issuer URL] [--data DIR] [--demo]

          --listen HOST:PORT  address to listen on (default 127.0.0.1:8080)
          --issuer URL        the issuer URL clients see (default http://localhost:PORT)
          --demo              serve the demo relying party at /demo
        \(commonFlags)
        """

    static let migrate = """
        usage: stepgate migrate [--config FILE] [--data DIR]

        Applies the schema migrations this version knows to the configured database (SQLite in
        the data folder, or PostgreSQL when `database` is a postgres:// URL), then exits. `serve`
        and every other command migrate on start too; this runs them on their own, for example
        before starting several nodes. Safe to run on several nodes at once.
        \(commonFlags)
        """

    static let user = """
        usage: stepgate user add NAME      (password on standard input)
               stepgate user password NAME (new password on standard input; ends every session
                                            and revokes every refresh token of the user and
                                            the access tokens issued with them)
               stepgate user disable NAME
        \(commonFlags)
        """

    static let factor = """
        usage: stepgate factor add NAME totp [--secret BASE32]

          --secret BASE32   use this seed instead of a random one (at least 16 bytes)
        \(commonFlags)
        """

    static let client = """
        usage: stepgate client add ID --redirect-uri URI [--redirect-uri URI ...] [--public | --secret-stdin] [--dpop]

          --redirect-uri URI  an exact redirect URI (https, or http on localhost); repeatable
          --public            a public client (PKCE, no secret)
          --secret-stdin      read the client secret (32+ characters) from standard input;
                              without it a confidential client gets a generated secret, shown once
          --dpop              the client must send a DPoP proof (RFC 9449) with every token request
        \(commonFlags)
        """

    static let keys = """
        usage: stepgate keys rotate [--force]

          --force         rotate even when the current key became current by a rotation less than
                          60 s ago (a node that has not reloaded its keys yet signs with the key
                          before it, which this rotation stops publishing)
        \(commonFlags)
        """

    static let audit = """
        usage: stepgate audit verify
               stepgate audit tail [-n N]

          verify   check every record's hash and link; exit 0 if intact, 1 naming the first broken record
          -n N     how many of the last records tail prints, oldest first (default 20)
        \(commonFlags)
        """

    static let policy = """
        usage: stepgate policy check FILE
               stepgate policy test FILE CASES
               stepgate policy explain FILE KEY=VALUE...

          check   load FILE (see docs/policies.md); print a summary, or every problem and exit 1
          test    run each [case.NAME] of CASES against FILE; print one line per case and
                  exit 1 when a decision differs from the expected one
          explain show, for the request the words describe, the matched action, every risk
                  signal, the score, the rules and the decision. Keys: method, path (required),
                  host, body; acr, auth_age, amr; ip, country, location (LAT,LON), accuracy_km;
                  device (known|remembered|unknown|absent), fingerprint (same|changed); last_ip,
                  last_location, last_seen, countries; failures, recent_actions, amounts;
                  session_age, session_idle. See docs/policies.md.
        The level names come from the configuration (`levels`, default aal1 aal2 aal3).
        \(commonFlags)
        """

    static let notify = """
        usage: stepgate notify test --channel email|sms --to RECIPIENT

          Queues one test message in the outbox and tries to deliver it at once with the
          configured transport (delivery.email or delivery.sms; see docs/delivery.md). Prints
          the message ID and exits 0 when the provider accepted it; otherwise exits 1 with the
          failure code (such as tls_unavailable or connect_failed) on one line. A failed
          message stays in the outbox and a running server retries it like any other.

          --channel email|sms  which transport to use
          --to RECIPIENT       an e-mail address (local@domain.tld) or an E.164 number (+4915112345678)
        \(commonFlags)
        """

    static let probe = """
        usage: stepgate probe --target FILE [--only IDS] [--skip IDS] [--list] [--json FILE] [--junit FILE]
                              [--out DIR] [--max-wait SECONDS]
                              [--html FILE] [--baseline FILE] [--load USERS[:DURATION]] [--no-load]
                              [--no-network]

          Runs the probe's cases against the provider and resources FILE describes (YAML; see
          docs/probe.md) as a real client would, and reports what held. Progress goes to standard
          error; secrets from the file or the environment are never printed.

          --target FILE       the target description (required, except with --list)
          --only IDS          run only these cases: IDs and prefixes, comma-separated (code.replay,pkce.*)
          --skip IDS          leave these cases out (same form); wins over --only
          --list              list the cases (with --target, which would be skipped and why), run nothing
          --json FILE         write the JSON report to FILE
          --junit FILE        write JUnit XML to FILE
          --out DIR           write every report format into DIR (report.json, junit.xml, report.html)
          --html FILE         write the self-contained HTML report to FILE
          --baseline FILE     compare with an earlier JSON report: regressions, fixes, new and removed cases
          --max-wait SECONDS  longest single wait, for a TOTP step or an expiring flow (default 40)
          --load USERS[:DURATION]
                              after the cases, USERS virtual users do complete step-ups for DURATION
                              (default 30s); replaces the target file's load section
          --no-load           no load run, whatever the target file says
          --no-network        ignore the target file's network section: no fault proxy for the run
                              (the network.* cases still start their own)
          --help              show this help

        Exit status: 0 when no case failed (skipped ones and checklists for a person included)
        and the load run broke no security invariant (its errors alone do not count), 1 when a
        case failed or an invariant broke under load (a regression since the baseline always
        fails), 2 for a wrong command line, target file or baseline.
        """
}
