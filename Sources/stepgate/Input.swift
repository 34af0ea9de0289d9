import Foundation

/// Reads secrets from standard input: a line from a pipe, or typed without echo at a terminal.
enum Input {
    /// The first line of standard input without its newline; nil when input is empty.
    static func readSecret(prompt: String) -> String? {
        let terminal = isatty(0) == 1
        var saved = termios()
        if terminal {
            Output.error(prompt)
            tcgetattr(0, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &quiet)
        }
        defer { if terminal { tcsetattr(0, TCSANOW, &saved) } }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { return nil }
        return line
    }
}
