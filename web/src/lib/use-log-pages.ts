import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type Day, invalidateReadingLog, keys, logProgress, type Stats } from "./queries";

interface LogPages {
  bookId: string;
  page: number;
  /** The day of the Today view (the user's local today), whose totals change at once. */
  today: string;
}

/**
 * Records a page with an optimistic update: the book's page, percent and today's pages change on screen
 * before the server answers, and go back if it refuses (the error is shown by the caller).
 */
export function useLogPages() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ bookId, page }: LogPages) => logProgress(bookId, { page }),
    onMutate: async ({ bookId, page, today }) => {
      await queryClient.cancelQueries({ queryKey: keys.stats });
      await queryClient.cancelQueries({ queryKey: keys.day(today) });
      const stats = queryClient.getQueryData<Stats>(keys.stats);
      const day = queryClient.getQueryData<Day>(keys.day(today));
      const book = stats?.reading.find((b) => b.bookId === bookId);
      const delta = Math.max(0, page - (book?.currentPage ?? 0));
      if (stats)
        queryClient.setQueryData<Stats>(keys.stats, {
          ...stats,
          reading: stats.reading.map((b) =>
            b.bookId === bookId
              ? {
                  ...b,
                  currentPage: page,
                  percent: b.totalPages
                    ? Math.min(100, Math.round((page / b.totalPages) * 1000) / 10)
                    : b.percent,
                }
              : b,
          ),
        });
      if (day) {
        const has = day.books.some((b) => b.bookId === bookId);
        queryClient.setQueryData<Day>(keys.day(today), {
          ...day,
          pages: day.pages + delta,
          books: has
            ? day.books.map((b) => (b.bookId === bookId ? { ...b, pages: b.pages + delta } : b))
            : [...day.books, { bookId, title: book?.title ?? "", pages: delta, entries: 1 }],
        });
      }
      return { stats, day };
    },
    onError: (_err, { today }, context) => {
      if (context?.stats) queryClient.setQueryData(keys.stats, context.stats);
      if (context?.day) queryClient.setQueryData(keys.day(today), context.day);
    },
    onSettled: (_data, _err, { bookId }) => invalidateReadingLog(queryClient, bookId),
  });
}
