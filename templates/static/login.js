// Log in with an email or username and a password, or continue as a guest.
"use strict";

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  await act(form.querySelector("button"), async () => {
    const body = { login: form.login.value.trim(), password: form.password.value };
    Session.save(await api("POST", "/api/auth/login", body));
    location.href = nextPage();
  });
});

document.getElementById("guest").addEventListener("click", (event) => continueAsGuest(event.target));
