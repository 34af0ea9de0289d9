/// `/static/webauthn.js`: the only script Stepgate serves. It reads the ceremony's options from
/// the form's `data-` attributes, calls the browser's WebAuthn API when the user presses the
/// form's button, puts the authenticator's answer (base64url) into the form's hidden fields and
/// submits it. The server checks everything; the script only carries bytes.
///
/// `data-webauthn="get"` (sign-in, step-up): `data-challenge`, `data-rp-id`, `data-allow`
/// (space-separated credential IDs), `data-user-verification`, `data-timeout`. Fields filled:
/// `credential_id`, `client_data`, `authenticator_data`, `signature`, `user_handle`.
///
/// `data-webauthn="create"` (enrolment): also `data-rp-name`, `data-user-id`, `data-user-name`,
/// `data-exclude`, `data-algorithms` (COSE IDs), `data-attachment` (`platform` or
/// `cross-platform`), `data-resident-key`, `data-attestation`. Fields filled: `credential_id`,
/// `client_data`, `attestation_object`, `transports`.
enum WebAuthnScript {
    static let source = """
        "use strict";
        (function () {
          const form = document.querySelector("form[data-webauthn]");
          if (!form) { return; }
          const status = document.getElementById("webauthn-status");
          const say = (text) => { if (status) { status.textContent = text; } };
          const decode = (text) => {
            const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
            const padded = base64 + "===".slice((base64.length + 3) % 4);
            return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
          };
          const encode = (buffer) => {
            const bytes = new Uint8Array(buffer);
            let text = "";
            for (const byte of bytes) { text += String.fromCharCode(byte); }
            return btoa(text).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
          };
          const ids = (list) => (list || "").split(" ").filter((id) => id.length > 0)
            .map((id) => ({ type: "public-key", id: decode(id) }));
          const set = (name, value) => { form.elements[name].value = value; };
          const data = form.dataset;
          if (!window.PublicKeyCredential) {
            say("This browser does not support security keys or passkeys. Use another way below.");
            return;
          }
          let done = false;
          form.addEventListener("submit", async (event) => {
            if (done) { return; }
            event.preventDefault();
            say("Waiting for your security key or passkey...");
            try {
              if (data.webauthn === "get") {
                const credential = await navigator.credentials.get({ publicKey: {
                  challenge: decode(data.challenge),
                  rpId: data.rpId,
                  allowCredentials: ids(data.allow),
                  userVerification: data.userVerification,
                  timeout: Number(data.timeout),
                } });
                set("credential_id", encode(credential.rawId));
                set("client_data", encode(credential.response.clientDataJSON));
                set("authenticator_data", encode(credential.response.authenticatorData));
                set("signature", encode(credential.response.signature));
                set("user_handle", credential.response.userHandle ? encode(credential.response.userHandle) : "");
              } else {
                const credential = await navigator.credentials.create({ publicKey: {
                  challenge: decode(data.challenge),
                  rp: { id: data.rpId, name: data.rpName },
                  user: { id: decode(data.userId), name: data.userName, displayName: data.userName },
                  pubKeyCredParams: data.algorithms.split(" ").map((alg) => ({ type: "public-key", alg: Number(alg) })),
                  excludeCredentials: ids(data.exclude),
                  authenticatorSelection: {
                    authenticatorAttachment: data.attachment,
                    residentKey: data.residentKey,
                    userVerification: data.userVerification,
                  },
                  attestation: data.attestation,
                  timeout: Number(data.timeout),
                } });
                set("credential_id", encode(credential.rawId));
                set("client_data", encode(credential.response.clientDataJSON));
                set("attestation_object", encode(credential.response.attestationObject));
                const transports = credential.response.getTransports ? credential.response.getTransports() : [];
                set("transports", transports.join(" "));
              }
              done = true;
              say("Checking...");
              form.submit();
            } catch (error) {
              say("That did not work (" + error.name + "). Try again, or use another way below.");
            }
          });
        })();

        """
}
