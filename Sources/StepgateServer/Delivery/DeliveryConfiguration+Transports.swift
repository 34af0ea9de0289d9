import StepgateCore
import StepgateHTTP

extension DeliveryConfiguration {
    /// A transport for each configured channel; the configuration was validated when it loaded.
    func makeTransports(clock: any Clock) -> [DeliveryChannel: any MessageTransport] {
        var transports: [DeliveryChannel: any MessageTransport] = [:]
        switch email {
        case .none:
            break
        case .console:
            transports[.email] = DevelopmentSink(destination: .console)
        case .file(let path):
            transports[.email] = DevelopmentSink(destination: .file(path))
        case .smtp(let url):
            var settings = SMTPSettings(url: url)
            settings.tls = smtpTLS == .required ? .required : .opportunistic
            settings.caFile = smtpCAFile
            settings.username = smtpUsername
            settings.password = smtpPassword
            settings.timeoutSeconds = timeout
            transports[.email] = SMTPTransport(client: SMTPClient(settings: settings), from: emailFrom ?? "")
        }
        switch sms {
        case .none:
            break
        case .console:
            transports[.sms] = DevelopmentSink(destination: .console)
        case .file(let path):
            transports[.sms] = DevelopmentSink(destination: .file(path))
        case .webhook(let url):
            transports[.sms] = WebhookTransport(
                url: url,
                secret: Array((smsWebhookSecret ?? "").utf8),
                timeoutSeconds: timeout,
                clock: clock
            )
        }
        return transports
    }
}
