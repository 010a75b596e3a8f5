import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderApp } from "../test/render";
import { SignUpPage } from "./sign-up-page";

describe("SignUpPage", () => {
  it("explains closed registration and offers no form", async () => {
    fakeApi.on("GET /api/auth/registration", () => json({ mode: "closed" }));
    renderApp(<SignUpPage />, "/sign-up");
    expect(await screen.findByText(/Registration is closed on this server/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Create account" })).toBeNull();
  });

  it("asks for the invitation code when invite-only, and shows the server's field error beside its field", async () => {
    fakeApi.on("GET /api/auth/registration", () => json({ mode: "invite" }));
    fakeApi.on("POST /api/auth/register", () =>
      problem(403, "This invitation code is not valid", [
        { field: "/body/inviteCode", rule: "invite", message: "is used, expired or unknown" },
      ]),
    );
    renderApp(<SignUpPage />, "/sign-up");
    expect(await screen.findByText(/invite-only/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Email"), "bo@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "a long passphrase");
    await userEvent.type(screen.getByLabelText("Password again"), "a long passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(screen.getByText("The invitation code is required")).toBeTruthy();
    expect(fakeApi.callsTo("POST", "/api/auth/register")).toHaveLength(0);

    await userEvent.type(screen.getByLabelText("Invitation code"), "NOPE-NOPE");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(screen.getByText("is used, expired or unknown")).toBeTruthy());
    const code = screen.getByLabelText("Invitation code");
    expect(code.getAttribute("aria-invalid")).toBe("true");
    expect((code as HTMLInputElement).value).toBe("NOPE-NOPE");
    expect(screen.getByRole("alert").textContent).toContain("This invitation code is not valid");
    expect(fakeApi.callsTo("POST", "/api/auth/register")[0]?.body).toMatchObject({
      email: "bo@example.com",
      inviteCode: "NOPE-NOPE",
    });
  });
});
