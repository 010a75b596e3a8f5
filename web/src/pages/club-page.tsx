import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation, useParams } from "wouter";
import { api, unwrap } from "../api/client";
import { toProblem } from "../api/problem";
import { ConfirmButton } from "../components/book-form";
import { ClubChat } from "../components/club-chat";
import { ClubInvites, ClubSettings, MemberActions, MyMembership } from "../components/club-settings";
import { ProblemAlert } from "../components/form";
import { QueryState } from "../components/states";
import { type ClubDetail, clubKeys, isModerator, roleLabel } from "../lib/clubs";
import { formatDay, formatNumber } from "../lib/format";
import { useMe } from "../lib/session";

function Members({ club }: { club: ClubDetail }) {
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members ({club.members.length})</h2>
      <ul className="item-list" aria-label="Members">
        {club.members.map((m) => (
          <li key={m.userId} className="member">
            <div className="row spread">
              <span>
                {m.name} <span className="muted small">{roleLabel(m.role)}</span>
              </span>
              <span className="muted small">
                {m.progress?.page != null
                  ? `p. ${formatNumber(m.progress.page)}${m.progress.totalPages ? ` of ${formatNumber(m.progress.totalPages)}` : ""}`
                  : ""}
              </span>
            </div>
            <MemberActions club={club} member={m} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function Reading({ club }: { club: ClubDetail }) {
  if (!club.reading)
    return (
      <section className="card" aria-labelledby="reading-title">
        <h2 id="reading-title">The book</h2>
        <p className="muted">No book chosen yet.</p>
      </section>
    );
  const r = club.reading;
  return (
    <section className="card" aria-labelledby="reading-title">
      <h2 id="reading-title">Reading {r.title}</h2>
      <p>
        {formatNumber(r.pagesPerWeek)} pages a week from {formatDay(r.startsOn)}
        {r.totalPages
          ? ` (${formatNumber(r.totalPages)} pages, about ${Math.ceil(r.totalPages / r.pagesPerWeek)} weeks)`
          : ""}
        .
      </p>
      {club.schedule &&
        (club.schedule.week > 0 ? (
          <p>
            <strong>This is week {club.schedule.week}:</strong> read up to page{" "}
            {formatNumber(club.schedule.targetPage)}.
          </p>
        ) : (
          <p>It has not started yet.</p>
        ))}
    </section>
  );
}

export function ClubPage() {
  const { id = "" } = useParams<{ id: string }>();
  const me = useMe();
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const club = useQuery({
    queryKey: clubKeys.club(id),
    queryFn: () => unwrap(api.GET("/api/clubs/{id}", { params: { path: { id } } })),
  });
  const leave = useMutation({
    mutationFn: () => unwrap(api.POST("/api/clubs/{id}/leave", { params: { path: { id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: clubKeys.clubs });
      navigate("/clubs", { replace: true });
    },
  });
  return (
    <>
      <p>
        <Link href="/clubs">← Clubs</Link>
      </p>
      <QueryState query={club} loading="Loading the club…">
        {(c) => (
          <>
            <div className="row spread">
              <h1>{c.name}</h1>
              <ConfirmButton
                label="Leave the club"
                question={`Leave ${c.name}?`}
                onConfirm={() => leave.mutate()}
                pending={leave.isPending}
              />
            </div>
            {leave.error && <ProblemAlert problem={toProblem(leave.error)} />}
            {c.description && <p>{c.description}</p>}
            <div className="club-layout">
              <ClubChat club={c} me={me.id} timezone={me.timezone} />
              <div>
                <Reading club={c} />
                <Members club={c} />
                {isModerator(c.role) && <ClubInvites club={c} />}
                <MyMembership club={c} />
                {isModerator(c.role) && <ClubSettings key={c.name + JSON.stringify(c.reading)} club={c} />}
              </div>
            </div>
          </>
        )}
      </QueryState>
    </>
  );
}
