import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../test/fake-api";
import { renderApp } from "../test/render";
import { SignInPage } from "./sign-in-page";

const USER = {
  id: "u1",
  email: "ann@example.com",
  name: "Ann",
  role: "member",
  timezone: "Europe/Paris",
  createdAt: "2026-01-01T00:00:00Z",
  disabledAt: null,
};

describe("SignInPage", () => {
  it("checks the fields before sending anything", async () => {
    renderApp(<SignInPage />, "/sign-in");
    await userEvent.type(screen.getByLabelText("Email"), "not-an-email");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.getByText("Enter an email address like name@example.com")).toBeTruthy();
    expect(screen.getByText("Password is required")).toBeTruthy();
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    expect(fakeApi.calls).toHaveLength(0);
  });

  it("shows the server's problem detail and keeps what was typed", async () => {
    fakeApi.on("POST /api/auth/login", () => problem(401, "Wrong email or password"));
    renderApp(<SignInPage />, "/sign-in");
    await userEvent.type(screen.getByLabelText("Email"), "ann@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "hunter22 long");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Wrong email or password");
    expect(screen.getByLabelText<HTMLInputElement>("Email").value).toBe("ann@example.com");
    expect(screen.getByLabelText<HTMLInputElement>("Password").value).toBe("hunter22 long");
    expect(fakeApi.callsTo("POST", "/api/auth/login")[0]?.body).toEqual({
      email: "ann@example.com",
      password: "hunter22 long",
    });
  });

  it("goes back to where the person was when the session expired", async () => {
    fakeApi.on("POST /api/auth/login", () =>
      json({ user: USER, csrfToken: "c", expiresAt: "2027-01-01T00:00:00Z" }),
    );
    const { location } = renderApp(<SignInPage />, "/sign-in?next=%2Fbooks%2Fb1");
    expect(screen.getByText(/Your session ended/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Email"), "ann@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "long enough password");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(location.history.at(-1)).toBe("/books/b1"));
  });

  it("never follows a next= to another site", async () => {
    fakeApi.on("POST /api/auth/login", () =>
      json({ user: USER, csrfToken: "c", expiresAt: "2027-01-01T00:00:00Z" }),
    );
    const { location } = renderApp(<SignInPage />, "/sign-in?next=%2F%2Fevil.example");
    await userEvent.type(screen.getByLabelText("Email"), "ann@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "long enough password");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(fakeApi.callsTo("POST", "/api/auth/login")).toHaveLength(1));
    await waitFor(() => expect(location.history.at(-1)).toBe("/"));
  });
});
