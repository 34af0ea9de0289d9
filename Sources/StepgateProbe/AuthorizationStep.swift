/// Where an `/authorize` request led.
public enum AuthorizationStep: Sendable {
    /// Straight back to the redirect URI sent, with a code or an error.
    case callback(AuthorizationCallback, location: String)
    /// To a page on the provider's origin (a sign-in or step-up page).
    case login(String)
    /// A redirect anywhere else: to an unregistered URI, another host. Never expected.
    case redirect(String)
    /// No redirect: an error page or another answer.
    case page(ProbeResponse)
}
