import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { actorOf } from "../../platform/http/actor.js";
import { AUTHED, IdParams, problems } from "../../platform/http/responses.js";
import {
  CreateScheduleBody,
  PauseBody,
  Schedule,
  Schedules,
  SnoozeBody,
  toSchedule,
  UpdateScheduleBody,
} from "./reminders.schemas.js";
import type { RemindersService } from "./reminders.service.js";

const owns = { owns: "schedule" };
const tags = ["reminders"];

/** Reminder schedules: when to ask for pages, through which channels, and snooze/pause/resume. */
export const remindersRoutes: FastifyPluginAsyncTypebox<{ reminders: RemindersService }> = async (
  app,
  { reminders },
) => {
  const me = actorOf;

  app.get(
    "/api/schedules",
    {
      schema: {
        tags,
        summary: "Your reminder schedules",
        response: { 200: Schedules, ...problems(...AUTHED) },
      },
    },
    async (request) => ({ items: (await reminders.list(me(request))).map(toSchedule) }),
  );

  app.post(
    "/api/schedules",
    {
      schema: {
        tags,
        summary: "Create a reminder schedule",
        description:
          "Asks for the pages of the books being read at the given times (daily, on weekdays, or an RRULE) in " +
          "the schedule's zone (the user's by default), DST-correct: a time skipped by a spring-forward change " +
          "fires at the first instant after the gap, a repeated one fires once. Reminders due inside quiet " +
          "hours are sent when they end. `excludeBookIds` opts single books out.",
        body: CreateScheduleBody,
        response: { 201: Schedule, ...problems(...AUTHED) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toSchedule(await reminders.create(me(request), request.body))),
  );

  app.patch(
    "/api/schedules/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Change a reminder schedule",
        params: IdParams,
        body: UpdateScheduleBody,
        response: { 200: Schedule, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => toSchedule(await reminders.update(me(request), request.params.id, request.body)),
  );

  app.delete(
    "/api/schedules/:id",
    {
      config: owns,
      schema: {
        tags,
        summary: "Delete a reminder schedule",
        params: IdParams,
        response: { 204: { type: "null" }, ...problems(...AUTHED, 404) },
      },
    },
    async (request, reply) => {
      await reminders.remove(me(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post(
    "/api/schedules/:id/snooze",
    {
      config: owns,
      schema: {
        tags,
        summary: "Ask again in `minutes` (regular reminders before then are skipped)",
        params: IdParams,
        body: SnoozeBody,
        response: { 200: Schedule, ...problems(...AUTHED, 404) },
      },
    },
    async (request) =>
      toSchedule(await reminders.snooze(me(request), request.params.id, request.body.minutes)),
  );

  app.post(
    "/api/schedules/:id/pause",
    {
      config: owns,
      schema: {
        tags,
        summary: "Pause until an instant or for a number of days (neither: with no end)",
        params: IdParams,
        body: PauseBody,
        response: { 200: Schedule, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => toSchedule(await reminders.pause(me(request), request.params.id, request.body)),
  );

  app.post(
    "/api/schedules/:id/resume",
    {
      config: owns,
      schema: {
        tags,
        summary: "Resume a paused or snoozed schedule",
        params: IdParams,
        response: { 200: Schedule, ...problems(...AUTHED, 404) },
      },
    },
    async (request) => toSchedule(await reminders.resume(me(request), request.params.id)),
  );
};
