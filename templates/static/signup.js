// Register, then log straight in with the same credentials.
"use strict";

document.getElementById("signup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  await act(form.querySelector("button"), async () => {
    const account = {
      email: form.email.value.trim(),
      username: form.username.value.trim(),
      password: form.password.value,
    };
    await api("POST", "/api/auth/register", account);
    Session.save(await api("POST", "/api/auth/login", { login: account.email, password: account.password }));
    location.href = nextPage();
  });
});

document.getElementById("guest").addEventListener("click", (event) => continueAsGuest(event.target));
